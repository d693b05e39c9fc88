// Runs async operations one after another (per job), so control operations on a job never
// interleave their read-modify-write of the spec. Reads never go through it.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `op` after every operation queued before it; resolves or rejects with its result. */
  run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once everything queued so far has settled. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
