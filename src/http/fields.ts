// Request field schemas with messages that name the field and the fix. Bodies are parsed
// with parseJsonBig, so 64-bit integers arrive as bigint. Unknown fields are ignored, as the
// Go syncer ignores them.
import { z } from 'zod';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'bigint') return 'a number';
  return `a ${typeof v}`;
}

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** A string; `nonEmpty` rejects ''. Missing: the default, or "is required" without one. */
export function text(opts: { nonEmpty?: boolean; default?: string } = {}) {
  return z.unknown().optional().transform((v, ctx): string => {
    if (v === undefined || v === null) return opts.default ?? fail(ctx, 'is required');
    if (typeof v !== 'string') return fail(ctx, `expected a string, got ${describe(v)}`);
    if (opts.nonEmpty && v.trim() === '') return fail(ctx, 'must not be empty');
    return v;
  });
}

/** A TCP port as Go's spec has it (a string such as "9030"); numbers are accepted too. */
export function port() {
  return z.unknown().optional().transform((v, ctx): number => {
    if (v === undefined || v === null) return fail(ctx, 'is required (a port number such as "9030")');
    const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : typeof v === 'number' || typeof v === 'bigint' ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      return fail(ctx, `expected a port number 1-65535 (such as "9030" or 9030), got ${typeof v === 'string' ? JSON.stringify(v) : describe(v)}`);
    }
    return n;
  });
}

export function bool(dflt: boolean) {
  return z.unknown().optional().transform((v, ctx): boolean => {
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') return fail(ctx, `expected true or false, got ${describe(v)}`);
    return v;
  });
}

/** An integer in [min, max]; missing: the default, or "is required" without one. */
export function int(opts: { min: number; max: number; default?: number }) {
  return z.unknown().optional().transform((v, ctx): number => {
    if (v === undefined || v === null) return opts.default ?? fail(ctx, 'is required');
    const n = typeof v === 'number' || typeof v === 'bigint' ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < opts.min || n > opts.max) return fail(ctx, `expected an integer ${opts.min}-${opts.max}, got ${typeof v === 'number' || typeof v === 'bigint' ? String(v) : describe(v)}`);
    return n;
  });
}

/** A 64-bit integer (commit seq, table id); missing gives undefined. */
export function int64() {
  return z.unknown().optional().transform((v, ctx): bigint | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    return fail(ctx, `expected an integer, got ${describe(v)}`);
  });
}

/** {"private address": "public address"}; missing gives {}. */
export function stringMap() {
  return z.unknown().optional().transform((v, ctx): Record<string, string> => {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) return fail(ctx, `expected an object of "private": "public" addresses, got ${describe(v)}`);
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== 'string') return fail(ctx, `expected a string for "${k}", got ${describe(value)}`);
      out[k] = value;
    }
    return out;
  });
}

/** The request body: a JSON object with these fields (missing or non-object bodies get a message showing the shape). */
export function body<T extends z.ZodRawShape>(shape: T, example: string) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fail(ctx, `request body is required: a JSON object like ${example}`);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(ctx, `request body must be a JSON object like ${example}, got ${describe(v)}`);
      return v;
    })
    .pipe(z.object(shape));
}

/** A nested object field (src, dest). */
export function object<T extends z.ZodRawShape>(shape: T, example: string) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === null) return fail(ctx, `is required: an object like ${example}`);
      if (typeof v !== 'object' || Array.isArray(v)) return fail(ctx, `expected an object like ${example}, got ${describe(v)}`);
      return v;
    })
    .pipe(z.object(shape));
}

/** A list of non-empty strings (database patterns); missing gives []. */
export function strings() {
  return z.unknown().optional().transform((v, ctx): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return fail(ctx, `expected an array of strings such as ["sales*", "hr"], got ${describe(v)}`);
    const out: string[] = [];
    for (const item of v) {
      if (typeof item !== 'string' || item.trim() === '') return fail(ctx, `expected non-empty strings, got ${typeof item === 'string' ? '""' : describe(item)}`);
      out.push(item);
    }
    return out;
  });
}

/** One of `values`; missing gives `dflt`. */
export function choice<const V extends string>(values: readonly V[], dflt: V) {
  return z.unknown().optional().transform((v, ctx): V => {
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'string' || !values.includes(v as V)) {
      return fail(ctx, `expected ${values.map((x) => JSON.stringify(x)).join(' or ')}, got ${typeof v === 'string' ? JSON.stringify(v) : describe(v)}`);
    }
    return v as V;
  });
}

/** An optional integer in [min, max]; missing gives undefined. */
export function optionalInt(opts: { min: number; max: number }) {
  return z.unknown().optional().transform((v, ctx): number | undefined => {
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'number' || typeof v === 'bigint' ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < opts.min || n > opts.max) return fail(ctx, `expected an integer ${opts.min}-${opts.max}, got ${typeof v === 'number' || typeof v === 'bigint' ? String(v) : describe(v)}`);
    return n;
  });
}

/** An optional string; missing or "" gives undefined. */
export function optionalText() {
  return z.unknown().optional().transform((v, ctx): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') return fail(ctx, `expected a string, got ${describe(v)}`);
    return v.trim() === '' ? undefined : v;
  });
}
