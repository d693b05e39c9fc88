// The simulator's clock-work: a timer loop that makes Doris' asynchronous behaviour progress
// in real time — one pass of the model's background daemons (publish, alter jobs, GC,
// timeouts, repair) and one step of every backup and restore job per tick. Tests that want
// determinism do not start it and call step() / settle() themselves.
import type { Logger } from '../observability/logger.js';

/** Something the driver advances once per tick. step() must not throw for business errors. */
export interface DriverTask {
  readonly name: string;
  step(): void;
  /** Resolves when the asynchronous work the task started (downloads) has finished. */
  idle?(): Promise<void>;
}

export interface SimDriverOptions {
  intervalMs: number;
  tasks: DriverTask[];
  log?: Logger | undefined;
}

export class SimDriver {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: SimDriverOptions) {}

  /** Starts the timer loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops the loop (idempotent); work already started keeps running, see settle(). */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get started(): boolean {
    return this.running;
  }

  /** One tick: every task steps once, in order. A task that throws is logged, not fatal. */
  step(): void {
    for (const task of this.options.tasks) {
      try {
        task.step();
      } catch (err) {
        this.options.log?.error({ err, task: task.name }, 'simulator driver task failed');
      }
    }
  }

  /** Waits until no task has asynchronous work in flight. */
  async settle(): Promise<void> {
    await Promise.all(this.options.tasks.map((t) => (t.idle ? t.idle() : Promise.resolve())));
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.step();
      this.schedule();
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
