// One pino root per process; components and jobs get child loggers. Secrets are redacted
// by path here, and spec objects never carry passwords into log calls in the first place.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export const REDACT_PATHS = [
  'password',
  'passwd',
  'db_password',
  'token',
  'api_token',
  'authorization',
  '*.password',
  '*.passwd',
  '*.token',
  '*.db_password',
  '*.api_token',
  '*.authorization',
  'req.headers.authorization',
  'src.password',
  'dest.password',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Directory for JSON log files; logs go to `<dir>/<fileName>` in addition to the terminal. */
  dir?: string | undefined;
  fileName?: string;
  /** Human-readable output on stdout (default: when stdout is a TTY). */
  pretty?: boolean;
  /** Write nothing to stdout (for example under a daemon that logs only to file). */
  quietStdout?: boolean;
  /** Also write human-readable logs to stderr (Go's --log_also_to_stderr). */
  alsoToStderr?: boolean;
  /** Write JSON lines only to this stream (tests capture logs this way). */
  destination?: pino.DestinationStream;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  const level = options.level === 'silent' ? 'fatal' : options.level;
  if (options.destination) {
    streams.push({ level, stream: options.destination });
  } else if (!options.quietStdout) {
    const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
    streams.push({
      level,
      stream: usePretty
        ? pretty({ colorize: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname', sync: true })
        : pino.destination({ dest: 1, sync: false }),
    });
  }
  if (options.alsoToStderr && !options.destination) {
    streams.push({
      level,
      stream: pretty({ colorize: Boolean(process.stderr.isTTY), destination: 2, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname', sync: true }),
    });
  }
  if (options.dir && !options.destination) {
    mkdirSync(options.dir, { recursive: true });
    streams.push({
      level,
      stream: pino.destination({ dest: join(options.dir, options.fileName ?? 'ccr_syncer.log'), mkdir: true, sync: false }),
    });
  }
  return pino(
    {
      level: options.level,
      base: options.base ?? { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '******' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(streams),
  );
}

/** A logger that writes nothing; for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
