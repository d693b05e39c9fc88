// Constructors for option declarations. Each option carries one zod schema that turns the raw
// text (from a flag, an environment variable or the config file) into its typed value, so
// the CLI parser, env overrides, config file and --help all derive from one declaration.
import { z } from 'zod';
import { formatDurationMs, parseDurationMs } from './duration.js';

export type OptionKind = 'string' | 'int' | 'bool' | 'duration' | 'enum';

export interface OptionDef<T> {
  readonly kind: OptionKind;
  /** Parses the raw text of the option. */
  readonly schema: z.ZodType<T, string>;
  readonly default: T;
  readonly description: string;
  /** What a valid value looks like; used in the one-line error for a bad value. */
  readonly expected: string;
  /** Environment variable that sets this option, or null when it is CLI-only. */
  readonly env: string | null;
  /** Never echo the value (passwords, tokens, keys). */
  readonly sensitive: boolean;
  /** A Go flag accepted so existing scripts keep working, but with no effect here. */
  readonly ignored: boolean;
  readonly group: string;
  /** How --help shows the default. */
  readonly showDefault: string;
}

interface Common {
  description: string;
  group: string;
  env?: string | null;
  sensitive?: boolean;
  ignored?: boolean;
}

type Defined<T> = OptionDef<T>;

function def<T>(
  kind: OptionKind,
  schema: z.ZodType<T, string>,
  dflt: T,
  expected: string,
  showDefault: string,
  c: Common,
): Defined<T> {
  return {
    kind,
    schema,
    default: dflt,
    description: c.description,
    expected,
    env: c.env === undefined ? '' : c.env,
    sensitive: c.sensitive ?? false,
    ignored: c.ignored ?? false,
    group: c.group,
    showDefault,
  };
}

export function stringOption(
  dflt: string,
  c: Common & { pattern?: RegExp; expected?: string; minLength?: number },
): Defined<string> {
  let schema: z.ZodType<string, string> = z.string();
  if (c.pattern) schema = z.string().regex(c.pattern);
  if (c.minLength !== undefined) schema = schema.refine((v) => v === '' || v.length >= (c.minLength ?? 0));
  return def('string', schema, dflt, c.expected ?? 'a string', dflt === '' ? '""' : JSON.stringify(dflt), c);
}

export function intOption(dflt: number, min: number, max: number, c: Common & { expected?: string }): Defined<number> {
  const schema = z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/)
    .transform((v) => Number(v))
    .pipe(z.number().int().min(min).max(max));
  return def('int', schema, dflt, c.expected ?? `an integer ${min}-${max}`, String(dflt), c);
}

const TRUE_WORDS = new Set(['1', 't', 'true']);
const FALSE_WORDS = new Set(['0', 'f', 'false']);

/** Go's strconv.ParseBool spellings, case-insensitive. */
export function parseBool(text: string): boolean | undefined {
  const v = text.trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

export function boolOption(dflt: boolean, c: Common): Defined<boolean> {
  const schema = z
    .string()
    .refine((v) => parseBool(v) !== undefined)
    .transform((v) => parseBool(v) === true);
  return def('bool', schema, dflt, 'true or false', String(dflt), c);
}

/** A Go duration string, held as milliseconds. */
export function durationOption(dflt: string, c: Common): Defined<number> {
  const dfltMs = parseDurationMs(dflt);
  if (dfltMs === undefined) throw new TypeError(`bad default duration ${dflt}`);
  const schema = z
    .string()
    .refine((v) => parseDurationMs(v) !== undefined)
    .transform((v) => parseDurationMs(v) ?? 0)
    .pipe(z.number().min(0));
  return def('duration', schema, dfltMs, 'a duration such as 10s, 5m or 500ms', formatDurationMs(dfltMs), c);
}

/** One of a fixed set of words; `aliases` maps extra spellings onto them. */
export function enumOption<const T extends string>(
  values: readonly T[],
  dflt: T,
  c: Common & { aliases?: Record<string, T>; expected?: string },
): Defined<T> {
  const allowed = new Map<string, T>(values.map((v) => [v, v]));
  for (const [k, v] of Object.entries(c.aliases ?? {})) allowed.set(k, v);
  const schema = z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => allowed.has(v))
    .transform((v) => allowed.get(v) as T);
  return def('enum', schema, dflt, c.expected ?? `one of ${values.join(', ')}`, dflt, c);
}
