// Tokenizer for the Doris SQL dialect the simulator accepts. It follows Doris' lexer
// (DorisLexer.g4): identifiers may start with a digit and contain `$`, back-quoted
// identifiers double their back-quotes, both quote styles make string literals with MySQL
// backslash escapes, `--` and nested `/* */` are comments. `#` comments (MySQL) are accepted
// too because the mysql CLI and scripts send them.
import { ErrNo, SqlError } from '../sql-error.js';

export type TokenType = 'word' | 'qident' | 'string' | 'number' | 'op' | 'eof';

export interface Token {
  type: TokenType;
  /**
   * word: as written; qident/string: the unescaped value; number: as written;
   * op: the operator text; eof: ''.
   */
  text: string;
  /** Upper-cased text for words (keyword matching); same as text otherwise. */
  upper: string;
  /** For numbers: integer (`12`), decimal (`1.5`) or double (`1e3`, `1.5E-2`). */
  numberKind?: 'integer' | 'decimal' | 'double' | undefined;
  start: number;
  end: number;
}

// Longest first so that `<=>` wins over `<=` and `<`.
const OPERATORS = [
  '<=>',
  '...',
  '<=',
  '>=',
  '<>',
  '!=',
  '==',
  '!<',
  '!>',
  '&&',
  '||',
  '->',
  '@@',
  '(',
  ')',
  ',',
  '.',
  ';',
  '[',
  ']',
  '{',
  '}',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '~',
  '&',
  '!',
  '|',
  '^',
  ':',
  '@',
  '?',
];

const ESCAPES: Record<string, string> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  // LIKE wildcards keep their backslash so that `\%` still means a literal percent sign.
  '%': '\\%',
  _: '\\_',
};

function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) > 0x7f;
}

/** Line (1-based) and column (0-based, like ANTLR's charPositionInLine) of an offset. */
export function lineAndPos(sql: string, offset: number): { line: number; pos: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < sql.length; i++) {
    if (sql[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, pos: offset - lineStart };
}

/** A Doris-style syntax error (errno 1064) at `offset` of `sql`. */
export function syntaxError(sql: string, offset: number, near: string, expected?: string): SqlError {
  const { line, pos } = lineAndPos(sql, offset);
  const what = expected === undefined ? `extraneous input '${near}'` : `mismatched input '${near}' expecting ${expected}`;
  return new SqlError(ErrNo.PARSE_ERROR, `errCode = 2, detailMessage = \n${what}(line ${line}, pos ${pos})\n`, '42000');
}

function readQuoted(sql: string, start: number, quote: string, escapes: boolean): { value: string; end: number } {
  // Copy runs between special characters in slices, and remember where the next quote and
  // backslash are: string literals may be megabytes long.
  const parts: string[] = [];
  let i = start + 1;
  let q = sql.indexOf(quote, i);
  let b = escapes ? sql.indexOf('\\', i) : -1;
  for (;;) {
    if (q >= 0 && q < i) q = sql.indexOf(quote, i);
    if (b >= 0 && b < i) b = sql.indexOf('\\', i);
    if (b >= 0 && (q < 0 || b < q)) {
      if (b + 1 >= sql.length) break;
      const n = sql[b + 1] as string;
      parts.push(sql.slice(i, b), ESCAPES[n] ?? n);
      i = b + 2;
      continue;
    }
    if (q < 0) break;
    parts.push(sql.slice(i, q));
    if (sql[q + 1] !== quote) return { value: parts.join(''), end: q + 1 };
    parts.push(quote);
    i = q + 2;
  }
  throw syntaxError(sql, start, sql.slice(start, start + 20), `closing ${quote}`);
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw syntaxError(sql, start, '/*', "'*/'");
}

/** Splits `sql` into tokens, ending with one `eof` token. Throws SqlError 1064 on bad input. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const push = (type: TokenType, text: string, start: number, end: number, numberKind?: Token['numberKind']): void => {
    tokens.push({ type, text, upper: type === 'word' ? text.toUpperCase() : text, numberKind, start, end });
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (sql.startsWith('--', i) || c === '#') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      i = skipBlockComment(sql, i);
      continue;
    }
    if (c === "'" || c === '"') {
      const { value, end } = readQuoted(sql, i, c, true);
      push('string', value, i, end);
      i = end;
      continue;
    }
    if (c === '`') {
      const { value, end } = readQuoted(sql, i, '`', false);
      push('qident', value, i, end);
      i = end;
      continue;
    }
    // Raw strings R'…' / R"…" (no escapes).
    if ((c === 'R' || c === 'r') && (sql[i + 1] === "'" || sql[i + 1] === '"') && !isWordChar(sql[i - 1] ?? ' ')) {
      const { value, end } = readQuoted(sql, i + 1, sql[i + 1] as string, false);
      push('string', value, i, end);
      i = end;
      continue;
    }
    const num = /^(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|^\d+[eE][+-]?\d+/.exec(sql.slice(i, i + 400));
    if (num && !isWordChar(sql[i + num[0].length] ?? ' ') && !(c === '.' && isWordChar(sql[i - 1] ?? ' '))) {
      const kind = /[eE]/.test(num[0]) ? 'double' : 'decimal';
      push('number', num[0], i, i + num[0].length, kind);
      i += num[0].length;
      continue;
    }
    if (isWordChar(c)) {
      let j = i;
      while (j < sql.length && isWordChar(sql[j] as string)) j++;
      const text = sql.slice(i, j);
      // A run of digits right after a `.` is part of a qualified name (t.1c), never a number.
      if (/^\d+$/.test(text) && tokens[tokens.length - 1]?.text !== '.') push('number', text, i, j, 'integer');
      else push('word', text, i, j);
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (op === undefined) throw syntaxError(sql, i, c);
    push('op', op, i, i + op.length);
    i += op.length;
  }
  push('eof', '', sql.length, sql.length);
  return tokens;
}
