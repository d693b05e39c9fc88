// The BEs' snapshot directories. A backup asks the BE holding a chosen replica to make a
// snapshot of one tablet at a version (Doris' SnapshotManager: hard links of the rowset files
// plus a tablet header under storage/snapshot/<time>.<seq>.<timeout>/<tablet>/<schema hash>/).
// The files are served by that BE's /api/_tablet/_download action to restoring BEs of another
// cluster, so they live here, per backend, as bytes.
import { createHash } from 'node:crypto';
import type { Rowset, TabletState } from '../model/state.js';
import { rowsetData } from '../model/storage-service.js';
import { encodeSegment, type RowsetMetaJson } from '../be/rowset-codec.js';
import { compactTime } from './job-status.js';

/** The tablet header (<tablet id>.hdr) of a snapshot: our JSON form of TabletMetaPB. */
export interface SnapshotHeader {
  tablet_id: string;
  schema_hash: number;
  partition_id: string;
  index_id: string;
  version: string;
  rs_metas: RowsetMetaJson[];
}

export interface MadeSnapshot {
  /** The snapshot directory without the trailing <tablet id>/<schema hash>. */
  path: string;
  /** File names in the tablet directory, header first. */
  files: string[];
}

interface StoredFile {
  data: Buffer;
  md5: string;
}

/** Root of every simulated BE's storage directory. */
export const STORAGE_ROOT = '/opt/apache-doris/be/storage';

export class SnapshotStore {
  /** backend id → absolute file path → content. */
  private readonly files = new Map<bigint, Map<string, StoredFile>>();
  private seq = 0;

  /**
   * Makes a snapshot of one tablet replica: a header and one segment file per rowset.
   * `timeoutSec` becomes part of the directory name, as on a BE.
   */
  make(backendId: bigint, tablet: TabletState, schemaHash: number, version: bigint, rowsets: Rowset[], nowMs: number, timeoutSec: number): MadeSnapshot {
    this.seq += 1;
    const path = `${STORAGE_ROOT}/snapshot/${compactTime(nowMs)}.${this.seq}.${timeoutSec}`;
    const dir = `${path}/${tablet.id}/${schemaHash}`;
    const header: SnapshotHeader = {
      tablet_id: tablet.id.toString(),
      schema_hash: schemaHash,
      partition_id: tablet.partitionId.toString(),
      index_id: tablet.indexId.toString(),
      version: version.toString(),
      rs_metas: rowsets.map((rs) => ({
        rowset_id: rs.id,
        tablet_id: tablet.id.toString(),
        start_version: rs.startVersion.toString(),
        end_version: rs.version.toString(),
        num_segments: 1,
        num_rows: rs.rows.length,
        txn_id: rs.txnId.toString(),
      })),
    };
    const byBe = this.files.get(backendId) ?? new Map<string, StoredFile>();
    this.files.set(backendId, byBe);
    const hdrName = `${tablet.id}.hdr`;
    const names = [hdrName];
    byBe.set(`${dir}/${hdrName}`, stored(Buffer.from(JSON.stringify(header))));
    for (const rs of rowsets) {
      const name = `${rs.id}_0.dat`;
      byBe.set(`${dir}/${name}`, stored(encodeSegment(rowsetData(rs))));
      names.push(name);
    }
    return { path, files: names };
  }

  /** The names of the files directly in `dir` on a backend; undefined when no such directory. */
  list(backendId: bigint, dir: string): string[] | undefined {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const out: string[] = [];
    for (const path of this.files.get(backendId)?.keys() ?? []) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const name = rest.split('/')[0];
      if (name && !out.includes(name)) out.push(name);
    }
    return out.length > 0 ? out : undefined;
  }

  /** One file's content and MD5 (hex); undefined when it does not exist. */
  read(backendId: bigint, path: string): StoredFile | undefined {
    return this.files.get(backendId)?.get(path);
  }

  /** Deletes every snapshot directory under `path` on a backend (release / expiry). */
  release(backendId: bigint, path: string): void {
    const byBe = this.files.get(backendId);
    if (!byBe) return;
    for (const p of [...byBe.keys()]) if (p.startsWith(`${path}/`)) byBe.delete(p);
  }
}

function stored(data: Buffer): StoredFile {
  return { data, md5: createHash('md5').update(data).digest('hex') };
}
