// The project's error type. The disposition is data: it tells the job runner what to do
// (see doc/errors.md), so nothing downstream has to match on message text.

/** What the job runner does when a step fails with this error. */
export type Disposition =
  /** Back off and run the same step again. */
  | 'retry'
  /** Re-sync one table (or some partitions) through backup/restore. */
  | 'partial-sync'
  /** Re-sync the whole job through backup/restore. */
  | 'full-sync'
  /** Stop the job and show the reason in job_status until an operator acts. */
  | 'pause'
  /** Not an error: shutdown, pause or delete was requested. */
  | 'abort';

/** Where the error came from; used for metrics labels and log fields. */
export type ErrorCategory =
  | 'rpc' // Thrift transport to an FE or BE (connect, timeout, reset)
  | 'fe' // an FE answered with a non-OK status
  | 'be' // a BE answered with a non-OK status
  | 'sql' // MySQL-protocol statement against a Doris FE
  | 'meta' // source/destination metadata do not line up (tablets, partitions, indexes)
  | 'meta-store' // the syncer's own metadata store
  | 'config' // flags, environment, job spec
  | 'input' // operator input (HTTP body)
  | 'internal'; // a bug: an invariant did not hold

export interface CcrErrorOptions {
  category: ErrorCategory;
  disposition: Disposition;
  cause?: unknown;
  /** Structured, secret-free details for logs and job_status. */
  details?: Record<string, unknown>;
}

export class CcrError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly disposition: Disposition;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: CcrErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CcrError';
    this.code = code;
    this.category = options.category;
    this.disposition = options.disposition;
    this.details = options.details;
  }
}

/** Thrown when an invariant does not hold: a bug, never an operator problem. */
export class InvariantError extends CcrError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CCR_I0001', message, { category: 'internal', disposition: 'pause', details });
    this.name = 'InvariantError';
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new InvariantError(`unexpected ${what}: ${String(value)}`);
}

/** A short, secret-free message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
