// DATE / DATETIME helpers for SQL functions. Values are Doris text ('YYYY-MM-DD',
// 'YYYY-MM-DD HH:MM:SS[.ffffff]'); arithmetic treats them as wall-clock times (no time zone),
// and "now" is the FE's local time, as Doris uses the session time zone (default: system).

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Parses a DATE or DATETIME text; undefined when it is not one. */
export function parseDateTime(text: string): DateParts | undefined {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?\s*$/.exec(text);
  if (!m) return undefined;
  const parts: DateParts = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    micro: Number((m[7] ?? '').padEnd(6, '0')),
  };
  const probe = new Date(Date.UTC(parts.year, parts.month - 1, parts.day));
  if (probe.getUTCMonth() !== parts.month - 1 || parts.hour > 23 || parts.minute > 59 || parts.second > 59) return undefined;
  return parts;
}

/** Local wall-clock parts of an instant. */
export function localParts(d: Date): DateParts {
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds(),
    micro: d.getMilliseconds() * 1000,
  };
}

export function formatDate(p: DateParts): string {
  return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
}

/** 'YYYY-MM-DD HH:MM:SS' plus `scale` fraction digits. */
export function formatDateTime(p: DateParts, scale = 0): string {
  const base = `${formatDate(p)} ${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  return scale > 0 ? `${base}.${pad(p.micro, 6).slice(0, scale)}` : base;
}

function toUtcMillis(p: DateParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, Math.floor(p.micro / 1000));
}

function fromUtcMillis(ms: number, micro: number): DateParts {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    micro,
  };
}

const UNIT_MS: Record<string, number> = {
  WEEK: 7 * 86400000,
  DAY: 86400000,
  HOUR: 3600000,
  MINUTE: 60000,
  SECOND: 1000,
};

/** Adds `amount` `unit`s (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND); undefined for an unknown unit. */
export function addInterval(p: DateParts, amount: number, unit: string): DateParts | undefined {
  const u = unit.replace(/S$/, '');
  if (u === 'YEAR' || u === 'QUARTER' || u === 'MONTH') {
    const months = amount * (u === 'YEAR' ? 12 : u === 'QUARTER' ? 3 : 1);
    const total = p.year * 12 + (p.month - 1) + months;
    const year = Math.floor(total / 12);
    const month = total - year * 12 + 1;
    // MySQL clamps the day to the last day of the target month.
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return { ...p, year, month, day: Math.min(p.day, lastDay) };
  }
  const ms = UNIT_MS[u];
  if (ms === undefined) return undefined;
  return fromUtcMillis(toUtcMillis(p) + amount * ms, p.micro);
}

/** Seconds since the epoch of wall-clock parts read in the local time zone. */
export function localEpochSeconds(p: DateParts): number {
  return Math.floor(new Date(p.year, p.month - 1, p.day, p.hour, p.minute, p.second).getTime() / 1000);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** MySQL DATE_FORMAT for the common specifiers. */
export function dateFormat(p: DateParts, format: string): string {
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  const dayOfYear = Math.floor((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000) + 1;
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const spec: Record<string, string> = {
    Y: pad(p.year, 4),
    y: pad(p.year % 100, 2),
    m: pad(p.month, 2),
    c: String(p.month),
    d: pad(p.day, 2),
    e: String(p.day),
    H: pad(p.hour, 2),
    k: String(p.hour),
    h: pad(hour12, 2),
    I: pad(hour12, 2),
    l: String(hour12),
    i: pad(p.minute, 2),
    s: pad(p.second, 2),
    S: pad(p.second, 2),
    f: pad(p.micro, 6),
    p: p.hour < 12 ? 'AM' : 'PM',
    M: MONTHS[p.month - 1] as string,
    b: (MONTHS[p.month - 1] as string).slice(0, 3),
    W: WEEKDAYS[weekday] as string,
    a: (WEEKDAYS[weekday] as string).slice(0, 3),
    w: String(weekday),
    j: pad(dayOfYear, 3),
    T: `${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`,
    r: `${pad(hour12, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)} ${p.hour < 12 ? 'AM' : 'PM'}`,
    '%': '%',
  };
  return format.replace(/%(.)/g, (all, c: string) => spec[c] ?? c);
}
