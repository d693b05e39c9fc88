// Errors that reach a MySQL-protocol client of the simulator. The model and the SQL layer
// throw SqlError; the MySQL server turns it into an ERR packet with this errno and SQLSTATE.
// Doris wraps its analysis errors as "errCode = 2, detailMessage = …"; dorisError() builds
// that form so clients (and the syncer's substring checks) see what a real FE sends.

export class SqlError extends Error {
  constructor(
    readonly errno: number,
    message: string,
    readonly sqlState: string = 'HY000',
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

/** MySQL error numbers the simulator uses (Doris reuses the MySQL numbering). */
export const ErrNo = {
  ACCESS_DENIED: 1045,
  NO_DB_SELECTED: 1046,
  DB_CREATE_EXISTS: 1007,
  DB_DROP_EXISTS: 1008,
  UNKNOWN_DB: 1049,
  TABLE_EXISTS: 1050,
  BAD_TABLE: 1051,
  BAD_FIELD: 1054,
  DUP_FIELDNAME: 1060,
  PARSE_ERROR: 1064,
  UNKNOWN: 1105,
  NO_SUCH_TABLE: 1146,
  NOT_SUPPORTED: 1235,
  WRONG_VALUE: 1525,
} as const;

const SQL_STATE: Record<number, string> = {
  1045: '28000',
  1046: '3D000',
  1007: 'HY000',
  1008: 'HY000',
  1049: '42000',
  1050: '42S01',
  1051: '42S02',
  1054: '42S22',
  1060: '42S21',
  1064: '42000',
  1146: '42S02',
  1235: '42000',
};

/** An error as a Doris FE reports it: `errCode = 2, detailMessage = <detail>`. */
export function dorisError(errno: number, detail: string): SqlError {
  return new SqlError(errno, `errCode = 2, detailMessage = ${detail}`, SQL_STATE[errno] ?? 'HY000');
}
