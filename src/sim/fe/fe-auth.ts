// What every CCR handler of FrontendServiceImpl checks before doing anything: required request
// fields (UserException "<field> is not set" → ANALYSIS_ERROR), then either the cluster token
// or the user's password (AuthenticationException "Access denied for user …"). Privileges are
// not modelled: every authenticated user may do everything.
import { StatusCode } from '../../doris/types.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { DorisError } from '../model/errors.js';

/** A UserException: "errCode = 2, detailMessage = <detail>" with the given Thrift status. */
export function userError(detail: string, status: number = StatusCode.ANALYSIS_ERROR): DorisError {
  return new DorisError(1105, detail, status);
}

/** MetaNotFoundException prints InternalErrorCode META_NOT_FOUND_ERR (7) instead of 2. */
export class MetaNotFoundError extends DorisError {
  constructor(detail: string) {
    super(1105, detail, StatusCode.ANALYSIS_ERROR);
    this.message = `errCode = 7, detailMessage = ${detail}`;
  }
}

/** Throws "<field> is not set" for the first listed field that is absent from the request. */
export function requireFields(req: object, fields: readonly string[]): void {
  const r = req as Record<string, unknown>;
  for (const f of fields) if (r[f] === undefined || r[f] === null) throw userError(`${f} is not set`);
}

/** ERR_ACCESS_DENIED_ERROR as an AuthenticationException carries it. */
export function accessDenied(user: string, host: string, password: string, status: number = StatusCode.ANALYSIS_ERROR): DorisError {
  return userError(`Access denied for user '${user}'@'${host}' (using password: ${password === '' ? 'NO' : 'YES'})`, status);
}

/**
 * Authenticates a CCR request: a non-empty token must be the cluster token (and then replaces
 * the password check); otherwise user/passwd must match a user.
 */
export function authenticate(model: ClusterModel, req: { user?: string | undefined; passwd?: string | undefined; token?: string | undefined; user_ip?: string | undefined }): void {
  if (req.token !== undefined && req.token !== '') {
    if (req.token !== model.system.token()) throw userError(`Invalid token: ${req.token}`);
    return;
  }
  checkPassword(model, req.user ?? '', req.passwd ?? '', req.user_ip);
}

/** The plain password check (Auth.checkPlainPassword); `status` is the reply code on failure. */
export function checkPassword(model: ClusterModel, user: string, password: string, host: string | undefined, status: number = StatusCode.ANALYSIS_ERROR): void {
  // Doris strips a "default_cluster:" prefix from user names of old clients.
  const name = user.startsWith('default_cluster:') ? user.slice('default_cluster:'.length) : user;
  if (!model.system.checkPassword(name, password)) throw accessDenied(name, host ?? '%', password, status);
}
