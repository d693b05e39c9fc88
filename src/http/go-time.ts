// Timestamps as the Go syncer renders them in get_lag and /view.

const pad = (n: number): string => String(n).padStart(2, '0');

/** "YYYY-MM-DD HH:MM:SS" in the syncer's local time. */
export function formatLocalTime(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A binlog timestamp (ms); -1 (none) is the Go syncer's hard-coded "1970-01-01 08:00:00". */
export function formatBinlogTimestamp(ms: bigint): string {
  return ms < 0n ? '1970-01-01 08:00:00' : formatLocalTime(new Date(Number(ms)));
}
