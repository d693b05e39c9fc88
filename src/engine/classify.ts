// One place that turns a non-OK Doris status into a CcrError with a disposition
// (design-anchors §6). Callers handle the statuses that are normal control flow
// (TOO_NEW = caught up, LABEL_ALREADY_EXISTS, PUBLISH_TIMEOUT…) before calling this.
import { CcrError, type Disposition } from '../errors/ccr-error.js';
import { StatusCode, statusCodeName, type TStatus } from '../doris/types.js';

export type Side = 'source' | 'destination';

export function statusMessage(status: TStatus | undefined): string {
  return (status?.error_msgs ?? []).join('; ');
}

export function isOk(status: TStatus | undefined): boolean {
  return status?.status_code === StatusCode.OK;
}

const AUTH_PATTERN = /access denied|password|not authorized|authenticat/i;

function dispositionFor(code: number, message: string): { disposition: Disposition; hint: string } {
  if (code === StatusCode.NOT_AUTHORIZED || AUTH_PATTERN.test(message)) {
    return { disposition: 'pause', hint: 'check the user and password of the job (recreate the job with the right credentials)' };
  }
  switch (code) {
    case StatusCode.BINLOG_DISABLE:
    case StatusCode.BINLOG_NOT_FOUND_DB:
    case StatusCode.BINLOG_NOT_FOUND_TABLE:
      return {
        disposition: 'retry',
        hint: 'enable binlog on the source database and its tables (scripts/enable_db_binlog.sh) and check enable_feature_binlog=true in fe.conf/be.conf',
      };
    case StatusCode.BINLOG_TOO_OLD_COMMIT_SEQ:
      return { disposition: 'full-sync', hint: 'the binlogs the job needs were garbage-collected on the source' };
    case StatusCode.SNAPSHOT_NOT_EXIST:
      return { disposition: 'full-sync', hint: 'the source snapshot is gone (expired or cancelled); a new one is taken' };
    case StatusCode.TABLET_MISSING:
      return { disposition: 'partial-sync', hint: 'the destination tablet does not exist any more' };
    default:
      return { disposition: 'retry', hint: '' };
  }
}

/**
 * Throws a CcrError for a non-OK status; returns normally for OK. `what` names the call for
 * the operator, e.g. "getBinlog on the source".
 */
export function checkStatus(status: TStatus | undefined, side: Side, what: string, details?: Record<string, unknown>): void {
  if (isOk(status)) return;
  const code = status?.status_code ?? StatusCode.INTERNAL_ERROR;
  const message = status === undefined ? 'no status in reply' : statusMessage(status);
  const { disposition, hint } = dispositionFor(code, message);
  throw new CcrError(
    `CCR_F${String(code).padStart(4, '0')}`,
    `${what} on the ${side} failed with ${statusCodeName(code)}${message ? `: ${message}` : ''}${hint ? ` (${hint})` : ''}`,
    { category: 'fe', disposition, details: { ...details, side, status: code } },
  );
}
