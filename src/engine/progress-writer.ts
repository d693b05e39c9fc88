// Durable progress writes for one runner: synchronous checkpoints, and coalesced background
// writes for the upsert hot path (many commits → one write in flight, the latest wins).
import type { Progress } from './progress.js';
import { encodeProgress } from './progress-codec.js';

/**
 * Least time between two background writes. A fast store (SQLite) finishes each write before
 * the next commit arrives, so without it every commit was its own write: 300 writes/s while
 * draining a backlog, a seventh of the syncer's CPU. A write this late only makes a restart
 * replay a few more binlogs, which labels make idempotent.
 */
const MIN_WRITE_INTERVAL_MS = 20;

export class ProgressWriter {
  private latest: Progress | undefined;
  private writing: Promise<void> | undefined;
  private failure: unknown;
  private failed = false;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  /** Ends the wait before a background write (flush() wants it now). */
  private hurry: (() => void) | undefined;

  constructor(
    private readonly jobName: string,
    private readonly save: (text: string, signal: AbortSignal) => Promise<void>,
    private readonly signal: AbortSignal,
  ) {}

  /** Persists `p` in the background; a failure is reported by the next flush()/write(). */
  soon(p: Progress): void {
    this.latest = p;
    this.writing ??= this.drain();
  }

  /** Waits for background writes; rethrows (once) a write that failed. */
  async flush(): Promise<void> {
    this.hurry?.();
    while (this.writing) await this.writing;
    if (this.failed) {
      this.failed = false;
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
  }

  /** Persists `p` now, after any pending background write. */
  async write(p: Progress, signal: AbortSignal): Promise<void> {
    this.latest = undefined;
    await this.flush();
    await this.save(encodeProgress(this.jobName, p), signal);
  }

  private async drain(): Promise<void> {
    try {
      await this.spaceOut();
      while (this.latest) {
        const p = this.latest;
        this.latest = undefined;
        this.lastWriteAt = performance.now();
        await this.save(encodeProgress(this.jobName, p), this.signal);
      }
    } catch (err) {
      this.failed = true;
      this.failure = err;
      this.latest = undefined;
    } finally {
      this.writing = undefined;
    }
  }

  /** Waits until MIN_WRITE_INTERVAL_MS after the last write; flush() or a stop ends it early. */
  private async spaceOut(): Promise<void> {
    const wait = this.lastWriteAt + MIN_WRITE_INTERVAL_MS - performance.now();
    if (wait <= 0 || this.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        this.hurry = undefined;
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.signal.addEventListener('abort', done, { once: true });
      this.hurry = done;
    });
  }
}
