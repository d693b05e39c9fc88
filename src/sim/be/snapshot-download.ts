// The restoring BE's side of a restore from a local snapshot (runtime/snapshot_loader.cpp,
// SnapshotHttpDownloader): list the remote snapshot directory through the source BE's
// /api/_tablet/_download action, find the tablet header, stat each file with HEAD (size and
// MD5), download it with GET and check both, then read the rowsets out of the files.
import { createHash } from 'node:crypto';
import type { RowsetData } from '../model/storage-service.js';
import type { SnapshotHeader } from '../backup/snapshot-store.js';
import { httpWithRetry } from './http-fetch.js';
import { decodeSegment } from './rowset-codec.js';

export interface RemoteTabletSnapshot {
  host: string;
  port: number;
  token: string;
  /** The tablet's snapshot directory on the remote BE (…/<tablet id>/<schema hash>). */
  path: string;
}

/** A download failure with the message the BE task reports. */
export class SnapshotDownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotDownloadError';
  }
}

function baseUrl(s: RemoteTabletSnapshot): string {
  return `http://${s.host}:${s.port}/api/_tablet/_download?token=${encodeURIComponent(s.token)}&channel=ingest_binlog`;
}

async function fetchFile(s: RemoteTabletSnapshot, name: string, signal: AbortSignal): Promise<Buffer> {
  const url = `${baseUrl(s)}&file=${encodeURIComponent(`${s.path}/${name}`)}`;
  const head = await httpWithRetry('HEAD', `${url}&acquire_md5=true`, signal);
  if (head.status !== 200) throw new SnapshotDownloadError(`failed to get file stat of ${s.path}/${name}: http status ${head.status}`);
  const size = Number(head.headers['content-length'] ?? NaN);
  const md5 = head.headers['content-md5'];
  const got = await httpWithRetry('GET', url, signal);
  if (got.status !== 200) throw new SnapshotDownloadError(`failed to download ${s.path}/${name}: http status ${got.status}`);
  if (got.body.length !== size) throw new SnapshotDownloadError('downloaded file size is not equal');
  if (typeof md5 === 'string' && md5 !== '') {
    const local = createHash('md5').update(got.body).digest('hex');
    if (local !== md5) throw new SnapshotDownloadError(`download file ${s.path}/${name} md5 is not equal, local=${local}, remote=${md5}`);
  }
  return got.body;
}

/** Downloads one tablet snapshot and returns its rowsets, oldest first. */
export async function downloadTabletSnapshot(s: RemoteTabletSnapshot, signal: AbortSignal): Promise<RowsetData[]> {
  const list = await httpWithRetry('GET', `${baseUrl(s)}&file=${encodeURIComponent(s.path)}`, signal);
  const names = list.body.toString('utf8').split('\n').map((n) => n.trim()).filter((n) => n !== '');
  const hdr = names.find((n) => n.endsWith('.hdr'));
  if (list.status !== 200 || !hdr) throw new SnapshotDownloadError(`can't find hdr file in remote snapshot path: ${s.path}`);
  const hdrBytes = await fetchFile(s, hdr, signal);
  let header: SnapshotHeader;
  try {
    header = JSON.parse(hdrBytes.toString('utf8')) as SnapshotHeader;
  } catch {
    throw new SnapshotDownloadError(`failed to load remote tablet meta: ${s.path}/${hdr}`);
  }
  const out: RowsetData[] = [];
  for (const rs of header.rs_metas) {
    const name = `${rs.rowset_id}_0.dat`;
    if (!names.includes(name)) throw new SnapshotDownloadError(`remote snapshot ${s.path} misses ${name}`);
    try {
      out.push(decodeSegment(await fetchFile(s, name, signal)));
    } catch (err) {
      if (err instanceof SnapshotDownloadError) throw err;
      if (err instanceof RangeError) throw new SnapshotDownloadError(`bad segment file ${s.path}/${name}: ${err.message}`);
      throw err;
    }
  }
  return out;
}
