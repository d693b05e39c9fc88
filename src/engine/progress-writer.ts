// Durable progress writes for one runner: synchronous checkpoints, and coalesced background
// writes for the upsert hot path (many commits → one write in flight, the latest wins).
import type { Progress } from './progress.js';
import { encodeProgress } from './progress-codec.js';

export class ProgressWriter {
  private latest: Progress | undefined;
  private writing: Promise<void> | undefined;
  private failure: unknown;
  private failed = false;

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
      while (this.latest) {
        const p = this.latest;
        this.latest = undefined;
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
}
