import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newProgress, type Progress } from './progress.js';
import { ProgressWriter } from './progress-writer.js';

const at = (seq: number): Progress => ({ ...newProgress('table', 0), syncState: 'TableIncrementalSync', subState: 'Done', prevCommitSeq: BigInt(seq), commitSeq: BigInt(seq) });

/** A writer over a store that records the prev_commit_seq of every write. */
function writer(signal = new AbortController().signal): { w: ProgressWriter; saved: number[] } {
  const saved: number[] = [];
  const save = async (text: string): Promise<void> => {
    saved.push(Number(/"prev_commit_seq":(\d+)/.exec(text)?.[1]));
  };
  return { w: new ProgressWriter('j', save, signal), saved };
}

describe('ProgressWriter background writes', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first commit at once and the commits of the next 20 ms as one write of the latest', async () => {
    const { w, saved } = writer();
    w.soon(at(1));
    await vi.advanceTimersByTimeAsync(2);
    expect(saved).toEqual([1]);
    for (const seq of [2, 3, 4]) {
      w.soon(at(seq));
      await vi.advanceTimersByTimeAsync(5);
    }
    expect(saved).toEqual([1]);
    await vi.advanceTimersByTimeAsync(10);
    expect(saved).toEqual([1, 4]);
  });

  it('flush() and a stop do not wait for the interval', async () => {
    const stop = new AbortController();
    const { w, saved } = writer(stop.signal);
    w.soon(at(1));
    await vi.advanceTimersByTimeAsync(1);
    w.soon(at(2));
    await w.flush();
    expect(saved).toEqual([1, 2]);

    w.soon(at(3));
    await vi.advanceTimersByTimeAsync(1);
    stop.abort();
    await w.flush();
    expect(saved).toEqual([1, 2, 3]);
  });

  it('a checkpoint written with write() supersedes a pending background write', async () => {
    const { w, saved } = writer();
    w.soon(at(1));
    await vi.advanceTimersByTimeAsync(1);
    w.soon(at(2));
    await w.write(at(3), new AbortController().signal);
    expect(saved).toEqual([1, 3]);
  });
});
