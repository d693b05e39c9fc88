// Expression parser, with Doris' precedence (DorisParser.g4 booleanExpression /
// valueExpression): OR (and ||) < XOR < AND (and &&) < NOT < comparison and predicates
// (BETWEEN, IN, LIKE, REGEXP, IS) < | < & < + - < * / % DIV < ^ < unary < primary.
import type { BinaryOp, Expr, Span } from './ast.js';
import { parseCastType } from './parse-type.js';
import { isQueryStart, parseQuery } from './parse-query.js';
import type { TokenCursor } from './token-cursor.js';

/** Keywords that read as niladic function calls (with or without `()`). */
const NILADIC = new Set(['CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP', 'CURRENT_USER', 'SESSION_USER']);

/** Reserved words that Doris still accepts as function names (functionNameIdentifier). */
const RESERVED_FUNCTION_NAMES = new Set([
  'ADD',
  'CONNECTION_ID',
  'CURRENT_CATALOG',
  'CURRENT_USER',
  'DATABASE',
  'IF',
  'LEFT',
  'LIKE',
  'PASSWORD',
  'REGEXP',
  'RIGHT',
  'SCHEMA',
  'SESSION_USER',
  'TRIM',
  'USER',
]);

const COMPARISON: Record<string, BinaryOp> = {
  '=': '=',
  '==': '=',
  '<=>': '<=>',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '!>': '<=',
  '>': '>',
  '>=': '>=',
  '!<': '>=',
};

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  return { kind: 'binary', op, left, right, span: { start: left.span.start, end: right.span.end } };
}

/** Parses one expression (`expression` in the grammar). */
export function parseExpr(p: TokenCursor): Expr {
  return parseOr(p);
}

function parseOr(p: TokenCursor): Expr {
  let left = parseXor(p);
  while (p.isWord('OR') || p.isOp('||')) {
    p.next();
    left = binary('OR', left, parseXor(p));
  }
  return left;
}

function parseXor(p: TokenCursor): Expr {
  let left = parseAnd(p);
  while (p.acceptWords('XOR')) left = binary('XOR', left, parseAnd(p));
  return left;
}

function parseAnd(p: TokenCursor): Expr {
  let left = parseNot(p);
  while (p.isWord('AND') || p.isOp('&&')) {
    p.next();
    left = binary('AND', left, parseNot(p));
  }
  return left;
}

function parseNot(p: TokenCursor): Expr {
  const start = p.peek().start;
  if (p.isWord('NOT') && !p.isWord('EXISTS', 1)) {
    p.next();
    const operand = parseNot(p);
    return { kind: 'unary', op: 'NOT', operand, span: p.spanFrom(start) };
  }
  return parsePredicate(p);
}

function parsePredicate(p: TokenCursor): Expr {
  let left = parseBitOr(p);
  for (;;) {
    const t = p.peek();
    const cmp = t.type === 'op' ? COMPARISON[t.text] : undefined;
    if (cmp !== undefined) {
      p.next();
      left = binary(cmp, left, parseBitOr(p));
      continue;
    }
    const suffix = parsePredicateSuffix(p, left);
    if (suffix === undefined) return left;
    left = suffix;
  }
}

/** `[NOT] BETWEEN|IN|LIKE|REGEXP|RLIKE …` and `IS [NOT] NULL|TRUE|FALSE` after `left`. */
function parsePredicateSuffix(p: TokenCursor, left: Expr): Expr | undefined {
  const start = left.span.start;
  if (p.isWord('IS')) {
    p.next();
    const not = p.acceptWords('NOT');
    if (p.acceptWords('NULL')) return { kind: 'isNull', expr: left, not, span: p.spanFrom(start) };
    const b = p.acceptOneOf('TRUE', 'FALSE');
    if (b === undefined) throw p.error('NULL, TRUE or FALSE');
    return { kind: 'isBool', expr: left, value: b === 'TRUE', not, span: p.spanFrom(start) };
  }
  const mark = p.mark();
  const not = p.acceptWords('NOT');
  if (p.acceptWords('BETWEEN')) {
    const low = parseBitOr(p);
    p.expectWords('AND');
    const high = parseBitOr(p);
    return { kind: 'between', expr: left, low, high, not, span: p.spanFrom(start) };
  }
  if (p.acceptWords('IN')) {
    p.expectOp('(');
    if (isQueryStart(p)) {
      const query = parseQuery(p);
      p.expectOp(')');
      return { kind: 'inSubquery', expr: left, query, not, span: p.spanFrom(start) };
    }
    const list = [parseExpr(p)];
    while (p.acceptOp(',')) list.push(parseExpr(p));
    p.expectOp(')');
    return { kind: 'in', expr: left, list, not, span: p.spanFrom(start) };
  }
  const likeOp = p.acceptOneOf('LIKE', 'REGEXP', 'RLIKE');
  if (likeOp !== undefined) {
    const pattern = parseBitOr(p);
    const escape = p.acceptWords('ESCAPE') ? parseBitOr(p) : undefined;
    return { kind: 'like', op: likeOp === 'LIKE' ? 'LIKE' : 'REGEXP', expr: left, pattern, escape, not, span: p.spanFrom(start) };
  }
  p.reset(mark);
  return undefined;
}

function leftAssoc(p: TokenCursor, ops: Record<string, BinaryOp>, operand: (p: TokenCursor) => Expr): Expr {
  let left = operand(p);
  for (;;) {
    const t = p.peek();
    const op = t.type === 'op' ? ops[t.text] : t.type === 'word' ? ops[t.upper] : undefined;
    if (op === undefined) return left;
    p.next();
    left = binary(op, left, operand(p));
  }
}

function parseBitOr(p: TokenCursor): Expr {
  return leftAssoc(p, { '|': '|' }, parseBitAnd);
}

function parseBitAnd(p: TokenCursor): Expr {
  return leftAssoc(p, { '&': '&' }, parseAdditive);
}

function parseAdditive(p: TokenCursor): Expr {
  return leftAssoc(p, { '+': '+', '-': '-' }, parseMultiplicative);
}

function parseMultiplicative(p: TokenCursor): Expr {
  return leftAssoc(p, { '*': '*', '/': '/', '%': '%', DIV: 'DIV' }, parseBitXor);
}

function parseBitXor(p: TokenCursor): Expr {
  return leftAssoc(p, { '^': '^' }, parseUnary);
}

function parseUnary(p: TokenCursor): Expr {
  const t = p.peek();
  if (t.type === 'op' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
    p.next();
    const operand = parseUnary(p);
    const op = t.text === '!' ? 'NOT' : t.text;
    return { kind: 'unary', op, operand, span: p.spanFrom(t.start) };
  }
  return parsePrimary(p);
}

function parsePrimary(p: TokenCursor): Expr {
  const t = p.peek();
  const start = t.start;
  switch (t.type) {
    case 'number':
      p.next();
      return numberLiteral(t.text, t.numberKind ?? 'integer', p.spanFrom(start));
    case 'string':
      p.next();
      return { kind: 'literal', literal: 'string', value: t.text, span: p.spanFrom(start) };
    case 'op':
      return parseOperatorPrimary(p);
    case 'qident':
      return parseColumnOrStar(p);
    case 'word':
      return parseWordPrimary(p);
    case 'eof':
      throw p.error('an expression');
  }
}

function numberLiteral(text: string, kind: 'integer' | 'decimal' | 'double', span: Span): Expr {
  if (kind === 'double') return { kind: 'literal', literal: 'double', value: Number(text), span };
  if (kind === 'decimal') return { kind: 'literal', literal: 'decimal', value: text, span };
  const n = BigInt(text);
  const value = n <= 2147483647n ? Number(n) : n;
  return { kind: 'literal', literal: 'integer', value, span };
}

function parseOperatorPrimary(p: TokenCursor): Expr {
  const t = p.peek();
  const start = t.start;
  if (p.acceptOp('(')) {
    if (isQueryStart(p)) {
      const query = parseQuery(p);
      p.expectOp(')');
      return { kind: 'subquery', query, span: p.spanFrom(start) };
    }
    const inner = parseExpr(p);
    p.expectOp(')');
    // Keep the parentheses in the span so that the column label shows them, as Doris does.
    return { ...inner, span: p.spanFrom(start) };
  }
  if (p.acceptOp('*')) return { kind: 'star', span: p.spanFrom(start) };
  if (p.acceptOp('@@')) {
    let scope: 'system' | 'global' | 'session' = 'system';
    const scoped = p.peek();
    if (p.isOp('.', 1) && (p.isWord('GLOBAL') || p.isWord('SESSION') || p.isWord('LOCAL'))) {
      scope = scoped.upper === 'GLOBAL' ? 'global' : 'session';
      p.next();
      p.next();
    }
    const name = p.identifier().toLowerCase();
    return { kind: 'variable', scope, name, span: p.spanFrom(start) };
  }
  if (p.acceptOp('@')) {
    const name = p.identifierOrString().toLowerCase();
    return { kind: 'variable', scope: 'user', name, span: p.spanFrom(start) };
  }
  throw p.error('an expression');
}

function parseWordPrimary(p: TokenCursor): Expr {
  const t = p.peek();
  const start = t.start;
  const word = t.upper;
  switch (word) {
    case 'NULL':
      p.next();
      return { kind: 'literal', literal: 'null', value: null, span: p.spanFrom(start) };
    case 'TRUE':
    case 'FALSE':
      p.next();
      return { kind: 'literal', literal: 'boolean', value: word === 'TRUE' ? 1 : 0, span: p.spanFrom(start) };
    case 'CASE':
      return parseCase(p);
    case 'CAST':
      return parseCast(p);
    case 'CONVERT':
      if (p.isOp('(', 1)) return parseConvert(p);
      break;
    case 'EXISTS': {
      p.next();
      p.expectOp('(');
      const query = parseQuery(p);
      p.expectOp(')');
      return { kind: 'exists', query, not: false, span: p.spanFrom(start) };
    }
    case 'NOT':
      if (p.isWord('EXISTS', 1)) {
        p.next();
        const inner = parseWordPrimary(p);
        if (inner.kind !== 'exists') throw p.error('EXISTS');
        return { ...inner, not: true, span: p.spanFrom(start) };
      }
      break;
    case 'INTERVAL': {
      p.next();
      const value = parseExpr(p);
      const unit = p.peek();
      if (unit.type !== 'word') throw p.error('an interval unit');
      p.next();
      return { kind: 'interval', value, unit: unit.upper, span: p.spanFrom(start) };
    }
    case 'EXTRACT':
      if (p.isOp('(', 1)) return parseExtract(p);
      break;
    case 'DATE':
    case 'DATEV1':
    case 'DATEV2':
    case 'TIMESTAMP':
    case 'DATETIME':
      if (p.peek(1).type === 'string') {
        p.next();
        const value = p.stringLiteral();
        return { kind: 'literal', literal: word === 'TIMESTAMP' || word === 'DATETIME' ? 'datetime' : 'date', value, span: p.spanFrom(start) };
      }
      break;
    case 'DEFAULT':
      p.next();
      return { kind: 'default', span: p.spanFrom(start) };
    default:
      break;
  }
  if (NILADIC.has(word)) {
    p.next();
    const args: Expr[] = [];
    if (p.acceptOp('(')) {
      if (!p.isOp(')')) args.push(parseExpr(p));
      p.expectOp(')');
    }
    return { kind: 'call', name: word, args, distinct: false, star: false, span: p.spanFrom(start) };
  }
  if (p.isOp('(', 1) && (p.isIdentifier() || RESERVED_FUNCTION_NAMES.has(word))) return parseCall(p);
  return parseColumnOrStar(p);
}

function parseCall(p: TokenCursor): Expr {
  const start = p.peek().start;
  const name = p.next().upper;
  p.expectOp('(');
  if (p.acceptOp('*')) {
    p.expectOp(')');
    return { kind: 'call', name, args: [], distinct: false, star: true, span: p.spanFrom(start) };
  }
  const distinct = p.acceptWords('DISTINCT');
  if (!distinct) p.acceptWords('ALL');
  const args: Expr[] = [];
  if (!p.isOp(')')) {
    do args.push(parseExpr(p));
    while (p.acceptOp(','));
  }
  p.expectOp(')');
  return { kind: 'call', name, args, distinct, star: false, span: p.spanFrom(start) };
}

function parseColumnOrStar(p: TokenCursor): Expr {
  const start = p.peek().start;
  const parts = [p.identifier()];
  while (p.isOp('.')) {
    p.next();
    if (p.acceptOp('*')) {
      return { kind: 'star', table: parts[parts.length - 1], span: p.spanFrom(start) };
    }
    parts.push(p.identifier());
  }
  if (parts.length > 3) throw p.error('a column reference');
  const name = parts[parts.length - 1] as string;
  const table = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  const db = parts.length === 3 ? parts[0] : undefined;
  return { kind: 'column', name, table, db, span: p.spanFrom(start) };
}

function parseCase(p: TokenCursor): Expr {
  const start = p.peek().start;
  p.expectWords('CASE');
  const operand = p.isWord('WHEN') ? undefined : parseExpr(p);
  const whens: { when: Expr; then: Expr }[] = [];
  while (p.acceptWords('WHEN')) {
    const when = parseExpr(p);
    p.expectWords('THEN');
    whens.push({ when, then: parseExpr(p) });
  }
  if (whens.length === 0) throw p.error('WHEN');
  const elseExpr = p.acceptWords('ELSE') ? parseExpr(p) : undefined;
  p.expectWords('END');
  return { kind: 'case', operand, whens, else: elseExpr, span: p.spanFrom(start) };
}

function parseCast(p: TokenCursor): Expr {
  const start = p.peek().start;
  p.expectWords('CAST');
  p.expectOp('(');
  const expr = parseExpr(p);
  p.expectWords('AS');
  const type = parseCastType(p);
  p.expectOp(')');
  return { kind: 'cast', expr, type, span: p.spanFrom(start) };
}

/** `CONVERT(expr, type)` is a cast; `CONVERT(expr USING charset)` returns expr unchanged. */
function parseConvert(p: TokenCursor): Expr {
  const start = p.peek().start;
  p.next();
  p.expectOp('(');
  const expr = parseExpr(p);
  if (p.acceptWords('USING')) {
    p.identifierOrString();
    p.expectOp(')');
    return { ...expr, span: p.spanFrom(start) };
  }
  p.expectOp(',');
  const type = parseCastType(p);
  p.expectOp(')');
  return { kind: 'cast', expr, type, span: p.spanFrom(start) };
}

/** `EXTRACT(unit FROM expr)` reads as the unit's function (`YEAR(expr)`, `MONTH(expr)` …). */
function parseExtract(p: TokenCursor): Expr {
  const start = p.peek().start;
  p.next();
  p.expectOp('(');
  const unit = p.peek();
  if (unit.type !== 'word') throw p.error('a time unit');
  p.next();
  p.expectWords('FROM');
  p.acceptOneOf('DATE', 'TIMESTAMP');
  const arg = parseExpr(p);
  p.expectOp(')');
  return { kind: 'call', name: unit.upper, args: [arg], distinct: false, star: false, span: p.spanFrom(start) };
}
