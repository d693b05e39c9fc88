// backup/Status.java as SHOW BACKUP / SHOW RESTORE print it in their Status column, and the
// time formats those rows use.

/** backup.Status.ErrCode names. */
export type JobErrCode = 'OK' | 'NOT_FOUND' | 'BAD_FILE' | 'CREATE_REMOTE_PATH_FAILED' | 'IS_DIR' | 'IS_FILE' | 'TIMEOUT' | 'COMMON_ERROR' | 'OLAP_VERSION_ALREADY_MERGED';

export class JobStatus {
  static readonly OK = new JobStatus('OK', '');

  constructor(
    readonly code: JobErrCode,
    readonly message: string,
  ) {}

  get ok(): boolean {
    return this.code === 'OK';
  }

  /** "[OK]" or "[COMMON_ERROR, msg: …]", as Status.toString(). */
  toString(): string {
    return this.ok ? '[OK]' : `[${this.code}, msg: ${this.message}]`;
  }
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** TimeUtils' "yyyy-MM-dd-HH-mm-ss" (the SHOW RESTORE Timestamp column), UTC in the simulator. */
export function hyphenTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`;
}

/** The BE's snapshot directory time prefix "%Y%m%d%H%M%S". */
export function compactTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}
