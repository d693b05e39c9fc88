// Ordered start, reverse stop. Components start one after another; if one fails, those
// already started are stopped in reverse order. stop() is idempotent and runs every stop
// even when one throws.
import { errorMessage } from '../errors/ccr-error.js';
import type { Logger } from '../observability/logger.js';

export interface Component {
  readonly name: string;
  /** Aborted when stop() is called during start. */
  start?(signal: AbortSignal): Promise<void>;
  stop?(): Promise<void>;
}

export class Lifecycle {
  private readonly components: Component[] = [];
  private readonly started: Component[] = [];
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  add(component: Component): void {
    this.components.push(component);
  }

  async start(): Promise<void> {
    for (const c of this.components) {
      this.abort.signal.throwIfAborted();
      const t0 = Date.now();
      try {
        await c.start?.(this.abort.signal);
      } catch (err) {
        if (!this.abort.signal.aborted) {
          this.log.error({ unit: c.name, err: errorMessage(err) }, 'start failed');
          await this.stop();
        }
        throw err;
      }
      this.started.push(c);
      this.log.debug({ unit: c.name, ms: Date.now() - t0 }, 'started');
    }
  }

  /** Stops the started components in reverse order. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort(new Error('stopping'));
      for (const c of [...this.started].reverse()) {
        const t0 = Date.now();
        try {
          await c.stop?.();
          this.log.debug({ unit: c.name, ms: Date.now() - t0 }, 'stopped');
        } catch (err) {
          this.log.error({ unit: c.name, err: errorMessage(err) }, 'stop failed');
        }
      }
    })();
    return this.stopping;
  }
}
