// ccr_syncer entry point: argv → config → logger → app → start → wait for a signal → stop.
// The only module that reads argv and calls process.exit.
import { readFileSync } from 'node:fs';
import { createApp } from './app.js';
import { ConfigError } from './config/config-error.js';
import { logFile, pidFile, redactedConfig } from './config/derived.js';
import { renderHelp } from './config/help.js';
import { loadConfig } from './config/load.js';
import { syncerVersion } from './config/version.js';
import { createSyncEngine } from './engine/create-engine.js';
import { errorMessage } from './errors/ccr-error.js';
import { ExitCode } from './lifecycle/exit-codes.js';
import type { ExitCodeValue } from './lifecycle/exit-codes.js';
import { removePidFile, writePidFile } from './lifecycle/pid-file.js';
import { installShutdownHandlers } from './lifecycle/shutdown.js';
import type { Logger } from './observability/logger.js';
import { createLogger } from './observability/logger.js';

function exitAfterFlush(log: Logger | undefined, code: ExitCodeValue): void {
  if (!log) process.exit(code);
  // Give async log streams a moment to drain, but never hang on them.
  const fallback = setTimeout(() => process.exit(code), 1000);
  log.flush(() => {
    clearTimeout(fallback);
    process.exit(code);
  });
}

async function main(): Promise<void> {
  const cwd = process.cwd();
  let loaded;
  try {
    loaded = loadConfig({ argv: process.argv.slice(2), env: process.env, readFile: (p) => readFileSync(p, 'utf8'), cwd });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`ccr_syncer: ${err.message}\n`);
    process.exit(ExitCode.CONFIG_ERROR);
  }
  if (loaded.kind === 'help') {
    process.stdout.write(renderHelp());
    process.exit(ExitCode.OK);
  }
  if (loaded.kind === 'version') {
    process.stdout.write(`${syncerVersion()}\n`);
    process.exit(ExitCode.OK);
  }
  const { config } = loaded;
  process.title = 'ccr_syncer';

  const file = logFile(config, cwd);
  const log = createLogger({
    level: config.log_level,
    dir: file?.dir,
    fileName: file?.fileName,
    // With a log file the Go syncer wrote only there (plus stderr on request); we also keep
    // readable logs on an interactive terminal.
    quietStdout: file !== undefined && !process.stdout.isTTY,
    alsoToStderr: file !== undefined && config.log_also_to_stderr,
  });
  for (const warning of loaded.warnings) log.warn(warning);
  log.info({ version: syncerVersion(), config: redactedConfig(config) }, 'starting');

  const app = createApp({ config, log, cwd, createEngine: createSyncEngine });
  const pid = pidFile(config, cwd);
  if (pid) {
    try {
      writePidFile(pid, process.pid);
    } catch (err) {
      log.fatal({ err: errorMessage(err) }, 'cannot write the pid file');
      process.stderr.write(`ccr_syncer: cannot write the pid file ${pid}: ${errorMessage(err)} (check --pid_dir)\n`);
      exitAfterFlush(log, ExitCode.STARTUP_FAILED);
      return;
    }
  }
  const cleanupPid = (): void => {
    if (pid) removePidFile(pid, process.pid);
  };

  const shutdown = installShutdownHandlers({
    signals: process,
    graceMs: config.shutdown_grace_ms,
    log,
    stop: async () => {
      await app.stop();
      cleanupPid();
    },
    exit: (code) => {
      cleanupPid();
      exitAfterFlush(log, code);
    },
  });
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: errorMessage(reason) }, 'unhandled rejection');
    shutdown.trigger('fatal error', ExitCode.FATAL);
  });

  try {
    await app.start();
    log.info({ identity: app.identity }, 'ccr_syncer started');
  } catch (err) {
    // A signal during start-up aborts it; the shutdown handler exits then.
    if (shutdown.started) return;
    const message = errorMessage(err);
    log.fatal({ err: message }, 'start-up failed');
    process.stderr.write(`ccr_syncer: start-up failed: ${message}\n`);
    cleanupPid();
    exitAfterFlush(log, ExitCode.STARTUP_FAILED);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ccr_syncer: fatal: ${errorMessage(err)}\n`);
  process.exit(ExitCode.FATAL);
});
