// The pid file <pid_dir>/<host>_<port>.pid that stop_syncer.sh reads.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes our pid atomically (write + rename), creating the directory. */
export function writePidFile(path: string, pid: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${pid}.tmp`;
  writeFileSync(tmp, `${pid}\n`);
  renameSync(tmp, path);
}

/** Removes the pid file if it still holds `pid` (a newer syncer may have replaced it). */
export function removePidFile(path: string, pid: number): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(pid)) rmSync(path, { force: true });
  } catch {
    // Already gone.
  }
}
