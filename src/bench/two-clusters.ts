// Two simulated clusters (source, destination) and one syncer, each a separate process, on a
// fresh temp dir that close() removes. Each benchmark part gets its own, so no part measures
// another's leftovers; the demo runs on one too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterClient } from './cluster-client.js';
import { startSim, startSyncer, type SimArgs, type SimProcess, type SyncerProcess } from './processes.js';
import { SyncerApi } from './syncer-api.js';

export interface TwoClustersOptions {
  sim: SimArgs;
  syncerArgs: string[];
  /** Flags for the syncer's node, e.g. --cpu-prof. */
  syncerNodeArgs?: string[];
  /** Prefix of the temp dir's name. */
  tempPrefix?: string;
}

export class TwoClusters {
  private syncerProc: SyncerProcess | undefined;
  private apiClient: SyncerApi | undefined;

  private constructor(
    readonly workDir: string,
    readonly srcSim: SimProcess,
    readonly destSim: SimProcess,
    readonly src: ClusterClient,
    readonly dest: ClusterClient,
    private readonly syncerArgs: string[],
    private readonly syncerNodeArgs: string[],
  ) {}

  static async start(options: TwoClustersOptions): Promise<TwoClusters> {
    const workDir = mkdtempSync(join(tmpdir(), options.tempPrefix ?? 'ccr-bench-'));
    const sims = await Promise.allSettled([startSim(options.sim), startSim(options.sim)]);
    const [a, b] = sims;
    if (a?.status !== 'fulfilled' || b?.status !== 'fulfilled') {
      await Promise.allSettled(sims.map(async (s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
      rmSync(workDir, { recursive: true, force: true });
      const failed = sims.find((s) => s.status === 'rejected');
      throw failed?.status === 'rejected' ? failed.reason : new Error('simulator start failed');
    }
    const env = new TwoClusters(workDir, a.value, b.value, new ClusterClient(a.value), new ClusterClient(b.value), options.syncerArgs, options.syncerNodeArgs ?? []);
    try {
      await env.startSyncer();
    } catch (err) {
      await env.close();
      throw err;
    }
    return env;
  }

  get syncer(): SyncerProcess {
    if (!this.syncerProc) throw new Error('the syncer is not running');
    return this.syncerProc;
  }

  get api(): SyncerApi {
    if (!this.apiClient) throw new Error('the syncer is not running');
    return this.apiClient;
  }

  /** The flags the syncer runs with (for the report). */
  get flags(): string[] {
    return this.syncerArgs;
  }

  async startSyncer(): Promise<void> {
    this.syncerProc = await startSyncer(this.workDir, ['--db_dir', join(this.workDir, 'ccr.db'), ...this.syncerArgs], this.syncerNodeArgs);
    this.apiClient = new SyncerApi(this.syncerProc.port);
  }

  async stopSyncer(): Promise<void> {
    await this.syncerProc?.stop();
    this.syncerProc = undefined;
    this.apiClient = undefined;
  }

  pids(): Record<string, number> {
    return { syncer: this.syncerProc?.pid ?? 0, src_sim: this.srcSim.pid, dest_sim: this.destSim.pid, bench: process.pid };
  }

  async close(): Promise<void> {
    await Promise.all([this.src.close(), this.dest.close()]);
    await Promise.allSettled([this.syncerProc?.stop(), this.srcSim.stop(), this.destSim.stop()]);
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
