// CPU time and resident memory of a process from /proc (Linux), read from outside the process
// so the measurement costs the measured process nothing.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; fixed at 100 on Linux for every architecture we run on

export interface ProcSample {
  /** Wall clock, ms (performance.now()). */
  at: number;
  /** user + system CPU time, ms. */
  cpuMs: number;
  rssBytes: number;
}

export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { at: performance.now(), cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
  } catch {
    return undefined; // the process is gone, or this is not Linux
  }
}

/** CPU% (100 = one core) between two samples. */
export function cpuPercent(from: ProcSample, to: ProcSample): number {
  const wall = to.at - from.at;
  return wall > 0 ? ((to.cpuMs - from.cpuMs) / wall) * 100 : 0;
}

/** Measures the CPU% of several processes over a stretch of work. */
export class CpuMeter {
  private readonly start = new Map<string, ProcSample | undefined>();

  constructor(private readonly pids: Record<string, number>) {
    for (const [name, pid] of Object.entries(pids)) this.start.set(name, sampleProc(pid));
  }

  /** CPU% per process since construction, rounded to whole percents. */
  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const from = this.start.get(name);
      const to = sampleProc(pid);
      if (from && to) out[name] = Math.round(cpuPercent(from, to));
    }
    return out;
  }
}
