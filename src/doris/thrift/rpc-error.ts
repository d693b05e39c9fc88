// Errors of the Thrift transport. A rejected RPC is always one of these (or the abort reason of
// the caller's signal), so callers decide on `kind` and never on message text.
import { CcrError } from '../../errors/ccr-error.js';

/**
 * Why an RPC failed:
 * - `connect`: no connection could be made (refused, unreachable, DNS, connect timeout); the
 *   request was never sent, so trying another address is always safe.
 * - `timeout`: the per-call deadline passed (waiting for a connection or for the reply); the
 *   server may still execute the request.
 * - `closed`: the connection was closed or reset while the call was in flight; the server may
 *   or may not have executed the request.
 * - `protocol`: the peer sent bytes that are not a valid reply (or the request could not be
 *   encoded).
 * - `application`: the peer answered with a TApplicationException (unknown method, internal
 *   error in the handler, ...).
 * - `aborted`: the client was closed before the call could run (shutdown, not a failure).
 */
export type RpcErrorKind = 'connect' | 'timeout' | 'closed' | 'protocol' | 'application' | 'aborted';

/** Error codes of the Thrift transport, one per kind. */
export const RPC_ERROR_CODES: Readonly<Record<RpcErrorKind, string>> = {
  connect: 'CCR_R0201',
  timeout: 'CCR_R0202',
  closed: 'CCR_R0203',
  protocol: 'CCR_R0204',
  application: 'CCR_R0205',
  aborted: 'CCR_R0206',
};

export interface RpcErrorOptions {
  kind: RpcErrorKind;
  /** `host:port` of the peer. */
  address: string;
  method?: string | undefined;
  /** TApplicationException type, for kind `application`. */
  applicationType?: number | undefined;
  cause?: unknown;
}

export class RpcError extends CcrError {
  readonly kind: RpcErrorKind;
  readonly address: string;
  readonly method: string | undefined;
  readonly applicationType: number | undefined;

  constructor(message: string, options: RpcErrorOptions) {
    super(RPC_ERROR_CODES[options.kind], message, {
      category: 'rpc',
      disposition: options.kind === 'aborted' ? 'abort' : 'retry',
      cause: options.cause,
      details: {
        kind: options.kind,
        address: options.address,
        ...(options.method === undefined ? {} : { method: options.method }),
        ...(options.applicationType === undefined ? {} : { applicationType: options.applicationType }),
      },
    });
    this.name = 'RpcError';
    this.kind = options.kind;
    this.address = options.address;
    this.method = options.method;
    this.applicationType = options.applicationType;
  }
}
