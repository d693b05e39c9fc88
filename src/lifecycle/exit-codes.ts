// Process exit codes. Only src/main.ts calls process.exit, always with one of these.
export const ExitCode = {
  /** Clean exit, including a graceful shutdown after SIGTERM/SIGINT. */
  OK: 0,
  /** A fatal error while running (an unhandled rejection, a bug). */
  FATAL: 1,
  /** A bad flag, environment variable or config file; the one-line reason is on stderr. */
  CONFIG_ERROR: 2,
  /** Start-up failed (meta store unreachable, port in use, ...); the reason is logged and on stderr. */
  STARTUP_FAILED: 3,
  /** Shutdown did not finish within --shutdown_grace_ms, or a second signal forced it. */
  FORCED_SHUTDOWN: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
