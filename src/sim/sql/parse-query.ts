// Query parser: SELECT (with FROM, joins, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT), set
// operations (UNION/INTERSECT/EXCEPT) and VALUES lists.
import type { Expr, JoinType, Limit, OrderItem, PartitionSpec, Query, Relation, SelectItem, SelectQuery } from './ast.js';
import { parseExpr } from './parse-expr.js';
import type { TokenCursor } from './token-cursor.js';

/** True when the next token starts a query (SELECT …, VALUES …). */
export function isQueryStart(p: TokenCursor): boolean {
  return p.isWord('SELECT') || p.isWord('VALUES') || (p.isOp('(') && (p.isWord('SELECT', 1) || p.isWord('VALUES', 1)));
}

/** Parses a full query, including trailing ORDER BY / LIMIT. */
export function parseQuery(p: TokenCursor): Query {
  const start = p.peek().start;
  let query = parseQueryPrimary(p);
  for (;;) {
    const op = p.acceptOneOf('UNION', 'INTERSECT', 'EXCEPT', 'MINUS');
    if (op === undefined) break;
    const all = p.acceptWords('ALL');
    if (!all) p.acceptWords('DISTINCT');
    const right = parseQueryPrimary(p);
    query = { kind: 'setOp', op: op === 'MINUS' ? 'EXCEPT' : op, all, left: query, right, orderBy: [], span: p.spanFrom(start) };
  }
  const orderBy = parseOrderBy(p);
  const limit = parseLimit(p);
  if (orderBy.length === 0 && limit === undefined) return query;
  if (query.kind === 'values') throw p.error('end of VALUES');
  if (query.orderBy.length > 0 || query.limit !== undefined) throw p.error('a single ORDER BY / LIMIT');
  return { ...query, orderBy, limit, span: p.spanFrom(start) };
}

function parseQueryPrimary(p: TokenCursor): Query {
  const start = p.peek().start;
  if (p.acceptOp('(')) {
    const inner = parseQuery(p);
    p.expectOp(')');
    return inner;
  }
  if (p.acceptWords('VALUES')) {
    const rows = [parseRow(p)];
    while (p.acceptOp(',')) rows.push(parseRow(p));
    return { kind: 'values', rows, span: p.spanFrom(start) };
  }
  return parseSelect(p);
}

function parseRow(p: TokenCursor): Expr[] {
  p.expectOp('(');
  const row: Expr[] = [];
  if (!p.isOp(')')) {
    do row.push(parseExpr(p));
    while (p.acceptOp(','));
  }
  p.expectOp(')');
  return row;
}

function parseSelect(p: TokenCursor): SelectQuery {
  const start = p.peek().start;
  p.expectWords('SELECT');
  const distinct = p.acceptWords('DISTINCT');
  if (!distinct) p.acceptWords('ALL');
  const items = [parseSelectItem(p)];
  while (p.acceptOp(',')) items.push(parseSelectItem(p));
  let from: Relation | undefined;
  if (p.isWords('FROM', 'DUAL') && !p.isOp('.', 2)) {
    p.next();
    p.next();
  } else if (p.acceptWords('FROM')) {
    from = parseRelations(p);
  }
  const where = p.acceptWords('WHERE') ? parseExpr(p) : undefined;
  const groupBy: Expr[] = [];
  if (p.acceptWords('GROUP', 'BY')) {
    do groupBy.push(parseExpr(p));
    while (p.acceptOp(','));
  }
  const having = p.acceptWords('HAVING') ? parseExpr(p) : undefined;
  return { kind: 'select', distinct, items, from, where, groupBy, having, orderBy: [], span: p.spanFrom(start) };
}

function parseSelectItem(p: TokenCursor): SelectItem {
  const start = p.peek().start;
  const expr = parseExpr(p);
  if (expr.kind === 'star') return { kind: 'star', table: expr.table, span: expr.span };
  const text = p.sql.slice(expr.span.start, expr.span.end);
  let alias: string | undefined;
  if (p.acceptWords('AS')) alias = p.identifierOrString();
  else if (p.isIdentifier() || p.peek().type === 'string') alias = p.identifierOrString();
  return { kind: 'expr', expr, alias, text, span: p.spanFrom(start) };
}

/** `relation (, relation)*`; commas become CROSS joins. */
export function parseRelations(p: TokenCursor): Relation {
  let left = parseRelation(p);
  while (p.acceptOp(',')) {
    const right = parseRelation(p);
    left = { kind: 'join', type: 'CROSS', left, right, span: { start: left.span.start, end: right.span.end } };
  }
  return left;
}

function parseRelation(p: TokenCursor): Relation {
  let left = parseRelationPrimary(p);
  for (;;) {
    const type = parseJoinType(p);
    if (type === undefined) return left;
    const right = parseRelationPrimary(p);
    let on: Expr | undefined;
    let using: string[] | undefined;
    if (p.acceptWords('ON')) on = parseExpr(p);
    else if (p.acceptWords('USING')) using = p.identifierList();
    left = { kind: 'join', type, left, right, on, using, span: { start: left.span.start, end: p.lastEnd() } };
  }
}

function parseJoinType(p: TokenCursor): JoinType | undefined {
  if (p.acceptWords('JOIN') || p.acceptWords('INNER', 'JOIN')) return 'INNER';
  if (p.acceptWords('CROSS', 'JOIN')) return 'CROSS';
  for (const side of ['LEFT', 'RIGHT', 'FULL'] as const) {
    if (p.acceptWords(side, 'JOIN') || p.acceptWords(side, 'OUTER', 'JOIN')) return side;
  }
  return undefined;
}

function parseAlias(p: TokenCursor): string | undefined {
  if (p.acceptWords('AS')) return p.identifier();
  return p.isIdentifier() ? p.identifier() : undefined;
}

function parseRelationPrimary(p: TokenCursor): Relation {
  const start = p.peek().start;
  if (p.acceptOp('(')) {
    if (isQueryStart(p)) {
      const query = parseQuery(p);
      p.expectOp(')');
      const alias = parseAlias(p);
      return { kind: 'subquery', query, alias, span: p.spanFrom(start) };
    }
    const inner = parseRelations(p);
    p.expectOp(')');
    return inner;
  }
  if (p.isIdentifier() && p.isOp('(', 1)) {
    const name = p.identifier().toLowerCase();
    const properties = p.isOp(')', 1) ? (p.next(), p.next(), {}) : p.propertyList();
    const alias = parseAlias(p);
    return { kind: 'tableFunction', name, properties, alias, span: p.spanFrom(start) };
  }
  const { span, ...name } = p.tableName();
  const partitions = parsePartitionSpec(p);
  const alias = parseAlias(p);
  return { kind: 'table', name, alias, partitions, span };
}

/**
 * `[TEMPORARY] PARTITION p | PARTITION (p1, p2) | PARTITIONS (p1) | PARTITION (*)`, or undefined
 * when none is written.
 */
export function parsePartitionSpec(p: TokenCursor): PartitionSpec | undefined {
  const mark = p.mark();
  const temporary = p.acceptWords('TEMPORARY');
  const word = p.acceptOneOf('PARTITION', 'PARTITIONS');
  if (word === undefined) {
    p.reset(mark);
    return undefined;
  }
  if (p.isOp('(') && p.isOp('*', 1)) {
    p.next();
    p.next();
    p.expectOp(')');
    return { temporary, names: '*' };
  }
  if (word === 'PARTITION' && !p.isOp('(')) return { temporary, names: [p.identifier()] };
  return { temporary, names: p.identifierList() };
}

/** `ORDER BY e [ASC|DESC] [NULLS FIRST|LAST], …` or []. */
export function parseOrderBy(p: TokenCursor): OrderItem[] {
  if (!p.acceptWords('ORDER', 'BY')) return [];
  const items: OrderItem[] = [];
  do {
    const expr = parseExpr(p);
    const dir = p.acceptOneOf('ASC', 'DESC');
    let nullsFirst: boolean | undefined;
    if (p.acceptWords('NULLS')) {
      const which = p.acceptOneOf('FIRST', 'LAST');
      if (which === undefined) throw p.error('FIRST or LAST');
      nullsFirst = which === 'FIRST';
    }
    items.push({ expr, desc: dir === 'DESC', nullsFirst });
  } while (p.acceptOp(','));
  return items;
}

/** `LIMIT n [OFFSET m]` or `LIMIT m, n`, or undefined. */
export function parseLimit(p: TokenCursor): Limit | undefined {
  if (!p.acceptWords('LIMIT')) return undefined;
  const first = p.smallInteger();
  if (p.acceptOp(',')) return { offset: first, count: p.smallInteger() };
  if (p.acceptWords('OFFSET')) return { count: first, offset: p.smallInteger() };
  return { count: first, offset: 0 };
}
