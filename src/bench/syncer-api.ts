// The syncer's operator API as the benchmark and the demo use it: create_ccr between two
// simulated clusters, job_status, get_lag, pause/resume, and waiting for a job to catch up.
import { sleep } from '../util/abort.js';
import type { SimProcess } from './processes.js';

export interface JobSide {
  sim: SimProcess;
  database: string;
  /** Empty for a database job. */
  table?: string;
}

export interface JobStatus {
  state?: string;
  progress_state?: string;
  commit_seq?: number | string;
  last_error?: { message?: string } | null;
  paused_reason?: string | null;
}

export class SyncerApi {
  constructor(readonly port: number) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** POSTs a JSON body; throws unless the reply says success. */
  async call<T = Record<string, unknown>>(path: string, body: unknown = {}): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const reply = (text === '' ? {} : JSON.parse(text)) as { success?: boolean; error_msg?: string } & T;
    if (reply.success !== true) throw new Error(`${path} failed (HTTP ${res.status}): ${reply.error_msg ?? text}`);
    return reply;
  }

  async createJob(name: string, src: JobSide, dest: JobSide, extra: Record<string, unknown> = {}): Promise<void> {
    await this.call('/create_ccr', { name, src: clusterSpec(src), dest: clusterSpec(dest), ...extra });
  }

  async status(name: string): Promise<JobStatus> {
    return (await this.call<{ status: JobStatus }>('/job_status', { name })).status;
  }

  async lag(name: string): Promise<{ lag: number; last_commit_seq: number }> {
    return this.call('/get_lag', { name });
  }

  /** Waits until the job is incremental and has applied every binlog the source has. */
  async waitCaughtUp(name: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.status(name);
      if (s.state !== 'running') throw new Error(`job ${name} is ${s.state}: ${s.paused_reason ?? ''}`);
      if (s.progress_state?.includes('IncrementalSync') === true && (await this.lag(name)).lag === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`job ${name} did not catch up within ${timeoutMs} ms (state ${s.progress_state}, last error: ${s.last_error?.message ?? 'none'})`);
      }
      await sleep(50, signal);
    }
  }
}

function clusterSpec(side: JobSide): Record<string, string> {
  return {
    host: '127.0.0.1',
    port: String(side.sim.ready.query_port),
    thrift_port: String(side.sim.ready.rpc_port),
    user: 'root',
    password: '',
    database: side.database,
    table: side.table ?? '',
  };
}
