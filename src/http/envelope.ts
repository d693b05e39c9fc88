// The Go syncer's response envelope: {"success":true,...} or {"success":false,"error_msg":...}.
// We add "error_code" to failures; Go clients ignore unknown keys.

export type Envelope = { success: true } & Record<string, unknown>;

export function ok(extra: Record<string, unknown> = {}): Envelope {
  return { success: true, ...extra };
}

export interface FailureBody {
  success: false;
  error_msg: string;
  error_code: string;
  [extra: string]: unknown;
}

/**
 * A failure body. `zeroExtras` are the endpoint's extra fields at their zero values, as Go
 * sends them (a failed get_lag still carries "lag":0).
 */
export function failure(code: string, message: string, zeroExtras: Record<string, unknown> = {}): FailureBody {
  return { success: false, error_msg: message, error_code: code, ...zeroExtras };
}
