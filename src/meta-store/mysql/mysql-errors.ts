// Turns mysql2 errors into CcrErrors an operator can act on. Messages name the flags to
// check and never contain the password (mysql2 does not put it in messages, and we scrub it
// anyway as a second line of defence).
import type { CcrError } from '../../errors/ccr-error.js';
import { errorMessage } from '../../errors/ccr-error.js';
import { storeUnavailable } from '../meta-store.js';

export interface MysqlTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
]);

export function mysqlCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Worth another attempt: connection trouble, deadlocks, lock waits. */
export function isTransientMysqlError(err: unknown): boolean {
  const code = mysqlCode(err);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

export function scrub(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('******');
}

/** A CcrError for a failed statement or connection; `what` says what we were doing. */
export function classifyMysqlError(err: unknown, what: string, t: MysqlTarget): CcrError {
  const at = `${t.host}:${t.port}`;
  const code = mysqlCode(err);
  let reason: string;
  switch (code ?? '') {
    case 'ECONNREFUSED':
      reason = `connection to ${at} refused; is MySQL running there? check --db_host and --db_port`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      reason = `host ${t.host} not found; check --db_host`;
      break;
    case 'ETIMEDOUT':
      reason = `connection to ${at} timed out; check --db_host, --db_port and the network`;
      break;
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      reason = `access denied for user ${t.user} at ${at}; check --db_user and --db_password`;
      break;
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
      reason = `user ${t.user} may not use database ${t.database}; grant it or choose another --db_name`;
      break;
    default:
      reason = `${errorMessage(err)}${code ? ` (${code})` : ''}`;
  }
  return storeUnavailable(scrub(`MySQL meta store: ${what} failed: ${reason}`, t.password), err);
}
