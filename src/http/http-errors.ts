// Errors raised by the HTTP layer itself (as opposed to the jobs it drives).
import { CcrError } from '../errors/ccr-error.js';

export const HttpErrorCode = {
  BAD_REQUEST: 'CCR_H0400',
  UNAUTHORIZED: 'CCR_H0401',
  NO_ROUTE: 'CCR_H0404',
  CLIENT_GONE: 'CCR_H0499',
} as const;

/** Malformed or invalid request input; the message names the field and the fix. */
export function badRequest(message: string, field?: string): CcrError {
  return new CcrError(HttpErrorCode.BAD_REQUEST, message, { category: 'input', disposition: 'abort', details: field ? { field } : undefined });
}
