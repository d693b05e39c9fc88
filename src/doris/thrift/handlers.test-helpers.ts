// Test support: port handlers built from a few methods.
import { FRONTEND_METHODS, type FrontendService } from '../ports.js';

/** A FrontendService whose unlisted methods reject (the server then answers INTERNAL_ERROR). */
export function feHandler(overrides: Partial<FrontendService>): FrontendService {
  const missing = (): Promise<never> => Promise.reject(new Error('not implemented'));
  return Object.fromEntries(FRONTEND_METHODS.map((m) => [m, overrides[m] ?? missing])) as unknown as FrontendService;
}
