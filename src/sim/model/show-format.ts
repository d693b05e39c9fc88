// Result sets of SHOW statements and the value formats Doris uses in them.

/** Column names in order and rows of text values (null = SQL NULL). */
export interface ShowResult {
  columns: string[];
  rows: (string | null)[][];
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** TimeUtils.longToTimeString: "yyyy-MM-dd HH:mm:ss" (UTC in the simulator), "NULL" for <= 0. */
export function timeString(ms: number): string {
  if (ms <= 0) return 'NULL';
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const UNITS: [number, string][] = [
  [1024 ** 4, 'TB'],
  [1024 ** 3, 'GB'],
  [1024 ** 2, 'MB'],
  [1024, 'KB'],
];

/** DebugUtil.printByteWithUnit: "2.738 KB", "0.000 " for zero. */
export function byteString(bytes: number): string {
  for (const [size, unit] of UNITS) if (bytes >= size) return `${(bytes / size).toFixed(3)} ${unit}`;
  return `${bytes.toFixed(3)} `;
}

/** SQL LIKE with % and _ (case-insensitive, as Doris' SHOW … LIKE). */
export function likeMatcher(pattern: string | undefined): (s: string) => boolean {
  if (pattern === undefined) return () => true;
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`, 'is');
  return (s) => rx.test(s);
}
