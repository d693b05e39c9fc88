// Bounded retries for store writes. The Go syncer retried a failed progress write every 3 s
// forever, blocking its job in silence; here a write gets a few attempts with exponential
// back-off, then fails with a CcrError so the job runner can back off visibly.
import { sleep } from '../util/abort.js';
import { errorMessage } from '../errors/ccr-error.js';
import { storeUnavailable } from './meta-store.js';

export interface RetryPolicy {
  /** Total attempts, including the first. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 2000 };

/**
 * Runs `op`; when it fails with an error `isTransient` accepts, waits (abortably) and tries
 * again, up to `policy.attempts`. Other errors propagate at once. After the last attempt it
 * rejects with `exhausted(lastError, attempts)`, by default an UNAVAILABLE CcrError that says
 * what failed.
 */
export async function withRetry<T>(
  what: string,
  op: () => Promise<T>,
  isTransient: (err: unknown) => boolean,
  policy: RetryPolicy,
  signal: AbortSignal,
  exhausted: (err: unknown, attempts: number) => Error = (err, n) => storeUnavailable(`${what} failed after ${n} attempts: ${errorMessage(err)}`, err),
): Promise<T> {
  let delay = policy.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await op();
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (attempt >= policy.attempts) throw exhausted(err, attempt);
    }
    await sleep(delay, signal);
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
}
