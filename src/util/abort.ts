// Cancellation helpers. Every function that waits or does I/O takes a required AbortSignal.
import { setTimeout as delay } from 'node:timers/promises';

/** Sleeps for `ms`; rejects with the signal's reason as soon as the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

/** True when `err` is the rejection produced by an aborted signal or an AbortError. */
export function isAbortError(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted && err === signal.reason) return true;
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'ShutdownRequested');
}

/** Throws the signal's reason when it has already aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : abortError(signal.reason);
}

export function abortError(reason?: unknown): Error {
  const err = new Error(typeof reason === 'string' ? reason : 'operation aborted');
  err.name = 'AbortError';
  return err;
}

/**
 * Races `promise` against the signal. The promise keeps running in the background when the
 * signal wins, so only use it where the underlying operation is harmless to abandon
 * (its result is discarded) or is cancelled separately.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : abortError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : abortError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** A signal that aborts when any of `signals` aborts or after `timeoutMs` (if given). */
export function combineSignals(signals: AbortSignal[], timeoutMs?: number): AbortSignal {
  const all = timeoutMs === undefined ? signals : [...signals, AbortSignal.timeout(timeoutMs)];
  return AbortSignal.any(all);
}
