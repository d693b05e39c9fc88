// Exponential backoff for failed steps, with injectable time so tests assert the sequence
// without waiting (design-anchors §5). Reset after every successful step.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Multiplier per failure (default 2). */
  factor?: number;
  /** Fraction of random spread added to each delay (default 0.2), so jobs do not retry in lockstep. */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor = 2, jitter = 0.2, random = Math.random } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** this.failures);
    this.failures++;
    return Math.round(Math.min(maxMs, base * (1 + jitter * random())));
  }

  get attempts(): number {
    return this.failures;
  }

  reset(): void {
    this.failures = 0;
  }
}

/**
 * Poll interval for a caught-up job: short right after activity, doubling with every empty
 * poll up to the ceiling (`--max_poll_interval_ms`). A job with work never waits.
 */
export class IdlePoll {
  private current: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.current = minMs;
  }

  /** Call after a poll that found nothing; returns how long to wait before the next poll. */
  idle(): number {
    const wait = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return wait;
  }

  /** Call after a poll that found binlogs. */
  active(): void {
    this.current = this.minMs;
  }
}
