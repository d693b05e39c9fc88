// Doris stores a view's defining query with every table reference fully qualified
// (`internal`.`db`.`table`); SHOW CREATE VIEW prints that text and the syncer's view handling
// matches it. This rewrites the query text as written, using the parser's spans.
import type { Expr, Query, Relation, Span, TableName } from './ast.js';

function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function walkExpr(expr: Expr | undefined, out: Relation[]): void {
  if (expr === undefined) return;
  switch (expr.kind) {
    case 'subquery':
    case 'exists':
      walkQuery(expr.query, out);
      return;
    case 'inSubquery':
      walkExpr(expr.expr, out);
      walkQuery(expr.query, out);
      return;
    case 'unary':
      walkExpr(expr.operand, out);
      return;
    case 'binary':
      walkExpr(expr.left, out);
      walkExpr(expr.right, out);
      return;
    case 'in':
      walkExpr(expr.expr, out);
      expr.list.forEach((e) => walkExpr(e, out));
      return;
    case 'between':
      [expr.expr, expr.low, expr.high].forEach((e) => walkExpr(e, out));
      return;
    case 'like':
      [expr.expr, expr.pattern, expr.escape].forEach((e) => walkExpr(e, out));
      return;
    case 'isNull':
    case 'isBool':
    case 'cast':
      walkExpr(expr.expr, out);
      return;
    case 'case':
      walkExpr(expr.operand, out);
      expr.whens.forEach((w) => {
        walkExpr(w.when, out);
        walkExpr(w.then, out);
      });
      walkExpr(expr.else, out);
      return;
    case 'call':
      expr.args.forEach((e) => walkExpr(e, out));
      return;
    case 'interval':
      walkExpr(expr.value, out);
      return;
    case 'literal':
    case 'column':
    case 'star':
    case 'variable':
    case 'default':
      return;
  }
}

function walkRelation(rel: Relation | undefined, out: Relation[]): void {
  if (rel === undefined) return;
  switch (rel.kind) {
    case 'table':
      out.push(rel);
      return;
    case 'tableFunction':
      return;
    case 'subquery':
      walkQuery(rel.query, out);
      return;
    case 'join':
      walkRelation(rel.left, out);
      walkRelation(rel.right, out);
      walkExpr(rel.on, out);
      return;
  }
}

function walkQuery(query: Query, out: Relation[]): void {
  switch (query.kind) {
    case 'select':
      query.items.forEach((i) => (i.kind === 'expr' ? walkExpr(i.expr, out) : undefined));
      walkRelation(query.from, out);
      walkExpr(query.where, out);
      query.groupBy.forEach((e) => walkExpr(e, out));
      walkExpr(query.having, out);
      query.orderBy.forEach((o) => walkExpr(o.expr, out));
      return;
    case 'setOp':
      walkQuery(query.left, out);
      walkQuery(query.right, out);
      return;
    case 'values':
      query.rows.forEach((row) => row.forEach((e) => walkExpr(e, out)));
      return;
  }
}

/**
 * The view query text with each table name replaced by `catalog`.`db`.`table` (catalog
 * `internal` unless written; db from the text or `defaultDb`). Everything else stays as written.
 */
export function qualifyTableNames(view: { query: Query; queryText: string; querySpan: Span }, defaultDb: string): string {
  const tables: Extract<Relation, { kind: 'table' }>[] = [];
  const all: Relation[] = [];
  walkQuery(view.query, all);
  for (const r of all) if (r.kind === 'table') tables.push(r);
  tables.sort((a, b) => b.span.start - a.span.start);
  let text = view.queryText;
  for (const t of tables) {
    const name: TableName = t.name;
    const qualified = `${quote(name.catalog ?? 'internal')}.${quote(name.db ?? defaultDb)}.${quote(name.name)}`;
    const start = t.span.start - view.querySpan.start;
    const end = t.span.end - view.querySpan.start;
    text = text.slice(0, start) + qualified + text.slice(end);
  }
  return text;
}
