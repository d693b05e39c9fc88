// Errors an operator request about a job can end in. The HTTP error handler maps each code
// to a status (src/http/error-handler.ts); the messages say what to do.
import { CcrError } from '../errors/ccr-error.js';

export const JobErrorCode = {
  NOT_FOUND: 'CCR_J0001',
  ALREADY_EXISTS: 'CCR_J0002',
  INVALID_REQUEST: 'CCR_J0003',
  CORRUPT_JOB_INFO: 'CCR_J0004',
  NOT_LOADED: 'CCR_J0005',
  BUSY: 'CCR_J0006',
  PASSWORD_UNREADABLE: 'CCR_J0007',
  SHUTTING_DOWN: 'CCR_J0009',
  /** A cluster job's child: the source database was recreated while the child was created. */
  SOURCE_CHANGED: 'CCR_J0013',
  /** Abort reasons handed to a runner's signal; never shown as errors. */
  PAUSED: 'CCR_J0010',
  DELETED: 'CCR_J0011',
  UNLOADED: 'CCR_J0012',
} as const;

export function jobNotFound(name: string): CcrError {
  return new CcrError(JobErrorCode.NOT_FOUND, `job ${name} not exist (list the jobs with /list_jobs)`, {
    category: 'input',
    disposition: 'abort',
  });
}

export function jobAlreadyExists(name: string): CcrError {
  return new CcrError(JobErrorCode.ALREADY_EXISTS, `job ${name} already exists; pick another name or /delete the old job first`, {
    category: 'input',
    disposition: 'abort',
  });
}

/** Operator input that cannot work; `field` is the request field at fault. */
export function invalidJobRequest(field: string, message: string): CcrError {
  return new CcrError(JobErrorCode.INVALID_REQUEST, `${field}: ${message}`, {
    category: 'input',
    disposition: 'abort',
    details: { field },
  });
}

/** A required request field is missing or empty; `why` says what it is for. */
export function missingJobField(field: string, why: string): CcrError {
  return new CcrError(JobErrorCode.INVALID_REQUEST, `${field} is required: ${why}`, { category: 'input', disposition: 'abort', details: { field } });
}

export function jobBusy(name: string, what: string): CcrError {
  return new CcrError(JobErrorCode.BUSY, `job ${name} is busy: ${what}; retry in a moment`, { category: 'input', disposition: 'abort' });
}

export function shuttingDown(): CcrError {
  return new CcrError(JobErrorCode.SHUTTING_DOWN, 'the syncer is shutting down; retry on another syncer or after restart', {
    category: 'internal',
    disposition: 'abort',
  });
}
