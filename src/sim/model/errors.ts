// Errors the cluster model raises. Every one is a SqlError (so the MySQL server can send it
// as an ERR packet) that also carries the Thrift status code a FE/BE RPC handler would put
// in TStatus, because the same Doris exception surfaces on both paths: Doris' UserException
// prints as "errCode = 2, detailMessage = <detail>" in SQL replies and in RPC error_msgs.
import { StatusCode, type StatusCodeValue } from '../../doris/types.js';
import { SqlError } from '../sql-error.js';

/** MySQL/Doris error numbers used by the model (Doris ErrorCode.java). */
export const DorisErrNo = {
  DB_CREATE_EXISTS: 1007,
  DB_DROP_EXISTS: 1008,
  BAD_DB: 1049,
  TABLE_EXISTS: 1050,
  BAD_TABLE: 1051,
  BAD_FIELD: 1054,
  DUP_FIELDNAME: 1060,
  UNKNOWN: 1105,
  UNKNOWN_TABLE: 1109,
  NO_SUCH_TABLE: 1146,
  DROP_PARTITION_NON_EXISTENT: 1507,
  SAME_NAME_PARTITION: 1517,
} as const;

const SQL_STATE: Record<number, string> = {
  1049: '42000',
  1050: '42S01',
  1051: '42S02',
  1054: '42S22',
  1060: '42S21',
  1109: '42S02',
  1146: '42S02',
};

/** A Doris user-facing error: SQL errno + the RPC status a Thrift handler reports for it. */
export class DorisError extends SqlError {
  constructor(
    errno: number,
    /** The message without Doris' "errCode = 2, detailMessage = " prefix. */
    readonly detail: string,
    readonly status: StatusCodeValue = StatusCode.ANALYSIS_ERROR,
    /** LABEL_ALREADY_EXISTS only: the existing job's status (RUNNING / FINISHED / PRECOMMITTED). */
    readonly jobStatus?: string,
  ) {
    super(errno, `errCode = 2, detailMessage = ${detail}`, SQL_STATE[errno] ?? 'HY000');
    this.name = 'DorisError';
  }
}

/** A DdlException/AnalysisException with the generic errno 1105. */
export function ddlError(detail: string, status: StatusCodeValue = StatusCode.ANALYSIS_ERROR): DorisError {
  return new DorisError(DorisErrNo.UNKNOWN, detail, status);
}

export const unknownDatabase = (name: string): DorisError =>
  new DorisError(DorisErrNo.BAD_DB, `Unknown database '${name}'`);
export const databaseExists = (name: string): DorisError =>
  new DorisError(DorisErrNo.DB_CREATE_EXISTS, `Can't create database '${name}'; database exists`);
export const databaseDropMissing = (name: string): DorisError =>
  new DorisError(DorisErrNo.DB_DROP_EXISTS, `Can't drop database '${name}'; database doesn't exist`);
export const tableExists = (name: string): DorisError =>
  new DorisError(DorisErrNo.TABLE_EXISTS, `Table '${name}' already exists`);
/** getTableOrDdlException: ALTER/TRUNCATE/SHOW on a missing table. */
export const unknownTable = (name: string): DorisError => new DorisError(DorisErrNo.BAD_TABLE, `Unknown table '${name}'`);
/** DROP TABLE / RECOVER TABLE of a missing table (ERR_UNKNOWN_TABLE). */
export const unknownTableIn = (name: string, db: string): DorisError =>
  new DorisError(DorisErrNo.UNKNOWN_TABLE, `Unknown table '${name}' in ${db}`);
export const duplicatePartition = (name: string): DorisError =>
  new DorisError(DorisErrNo.SAME_NAME_PARTITION, `Duplicate partition name ${name}`);
export const missingPartition = (name: string): DorisError =>
  new DorisError(DorisErrNo.DROP_PARTITION_NON_EXISTENT, `Error in list of partitions to ${name}`);
