// SIGTERM/SIGINT handling: the first signal starts a graceful stop bounded by the grace
// period; a second signal or the end of the grace period forces the exit. The caller's
// `exit` does the actual process.exit (only main.ts may).
import { errorMessage } from '../errors/ccr-error.js';
import type { Logger } from '../observability/logger.js';
import { ExitCode } from './exit-codes.js';
import type { ExitCodeValue } from './exit-codes.js';

export interface SignalSource {
  on(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

export interface ShutdownOptions {
  readonly signals: SignalSource;
  readonly graceMs: number;
  /** The graceful stop: resolves when everything is closed. */
  readonly stop: () => Promise<void>;
  readonly exit: (code: ExitCodeValue) => void;
  readonly log: Logger;
}

export interface ShutdownHandle {
  /** Starts the shutdown as if a signal arrived (for a fatal error: exit with `code` after stopping). */
  trigger(reason: string, code?: ExitCodeValue): void;
  /** True once a shutdown started. */
  readonly started: boolean;
}

export function installShutdownHandlers(o: ShutdownOptions): ShutdownHandle {
  let started = false;
  let exited = false;
  let timer: NodeJS.Timeout | undefined;
  const exit = (code: ExitCodeValue): void => {
    if (exited) return;
    exited = true;
    if (timer) clearTimeout(timer);
    o.signals.off('SIGTERM', onSignal);
    o.signals.off('SIGINT', onSignal);
    o.exit(code);
  };
  const trigger = (reason: string, code: ExitCodeValue = ExitCode.OK): void => {
    if (started) {
      o.log.warn({ reason }, 'second shutdown request; forcing exit');
      exit(ExitCode.FORCED_SHUTDOWN);
      return;
    }
    started = true;
    o.log.info({ reason, graceMs: o.graceMs }, 'shutdown started');
    timer = setTimeout(() => {
      o.log.error({ graceMs: o.graceMs }, 'shutdown grace period expired; forcing exit');
      exit(ExitCode.FORCED_SHUTDOWN);
    }, o.graceMs);
    o.stop().then(
      () => {
        o.log.info('shutdown complete');
        exit(code);
      },
      (err: unknown) => {
        o.log.error({ err: errorMessage(err) }, 'shutdown failed');
        exit(code === ExitCode.OK ? ExitCode.FATAL : code);
      },
    );
  };
  function onSignal(this: void, ...args: unknown[]): void {
    trigger(typeof args[0] === 'string' ? args[0] : 'signal');
  }
  o.signals.on('SIGTERM', onSignal);
  o.signals.on('SIGINT', onSignal);
  return {
    trigger,
    get started() {
      return started;
    },
  };
}
