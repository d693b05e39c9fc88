// SET / USE / KILL and the DML statements (INSERT, DELETE, UPDATE, BEGIN/COMMIT/ROLLBACK).
import type { Expr, SetAssignment, Statement, TableName } from './ast.js';
import { parseExpr } from './parse-expr.js';
import { parsePartitionSpec, parseQuery, parseRelations } from './parse-query.js';
import type { TokenCursor } from './token-cursor.js';

function plainTableName(p: TokenCursor): TableName {
  const { span: _span, ...name } = p.tableName();
  return name;
}

/** A SET value: an expression, `DEFAULT` (undefined), or a bare word such as ON/OFF (as a string). */
function parseSetValue(p: TokenCursor): Expr | undefined {
  if (p.isWord('DEFAULT') && (p.isOp(',', 1) || p.peek(1).type === 'eof' || p.isOp(';', 1))) {
    p.next();
    return undefined;
  }
  const t = p.peek();
  if (t.type === 'word' && (p.isOp(',', 1) || p.isOp(';', 1) || p.peek(1).type === 'eof') && !['NULL', 'TRUE', 'FALSE'].includes(t.upper)) {
    p.next();
    return { kind: 'literal', literal: 'string', value: t.text, span: { start: t.start, end: t.end } };
  }
  return parseExpr(p);
}

function parseAssignment(p: TokenCursor): SetAssignment {
  if (p.acceptWords('NAMES')) {
    if (p.acceptWords('DEFAULT')) return { kind: 'names' };
    const charset = p.identifierOrString();
    const collate = p.acceptWords('COLLATE') ? (p.acceptWords('DEFAULT') ? undefined : p.identifierOrString()) : undefined;
    return { kind: 'names', charset, collate };
  }
  if (p.acceptWords('CHARSET') || p.acceptWords('CHAR', 'SET') || p.acceptWords('CHARACTER', 'SET')) {
    if (p.acceptWords('DEFAULT')) return { kind: 'charset' };
    return { kind: 'charset', charset: p.identifierOrString() };
  }
  if (p.acceptWords('PASSWORD')) {
    let user: string | undefined;
    if (p.acceptWords('FOR')) {
      user = p.identifierOrString();
      if (p.acceptOp('@')) p.identifierOrString();
    }
    p.expectOp('=');
    if (p.acceptWords('PASSWORD')) {
      p.expectOp('(');
      const password = p.stringLiteral();
      p.expectOp(')');
      return { kind: 'password', user, password };
    }
    return { kind: 'password', user, password: p.stringLiteral() };
  }
  if (p.acceptOp('@')) {
    const name = p.identifierOrString().toLowerCase();
    if (!p.acceptOp('=')) {
      p.expectOp(':');
      p.expectOp('=');
    }
    return { kind: 'user', name, value: parseExpr(p) };
  }
  let scope: 'session' | 'global' = 'session';
  if (p.acceptOp('@@')) {
    if (p.isOp('.', 1) && (p.isWord('GLOBAL') || p.isWord('SESSION') || p.isWord('LOCAL'))) {
      scope = p.next().upper === 'GLOBAL' ? 'global' : 'session';
      p.next();
    }
  } else {
    const s = p.acceptOneOf('GLOBAL', 'SESSION', 'LOCAL');
    if (s === 'GLOBAL') scope = 'global';
  }
  const name = p.identifier().toLowerCase();
  p.expectOp('=');
  return { kind: 'system', scope, name, value: parseSetValue(p) };
}

/** After `SET`. */
export function parseSet(p: TokenCursor): Statement {
  if (p.isWord('TRANSACTION') || p.isWords('GLOBAL', 'TRANSACTION') || p.isWords('SESSION', 'TRANSACTION') || p.isWord('PROPERTY')) {
    return { kind: 'unsupported', what: `SET ${p.peek().upper}` };
  }
  const assignments = [parseAssignment(p)];
  while (p.acceptOp(',')) assignments.push(parseAssignment(p));
  return { kind: 'set', assignments };
}

/** After `USE`. */
export function parseUse(p: TokenCursor): Statement {
  const parts = p.multipartName();
  if (p.isOp('@')) return { kind: 'unsupported', what: 'USE …@cluster' };
  if (parts.length > 2) throw p.error('[catalog.]database');
  return parts.length === 2 ? { kind: 'use', catalog: parts[0], db: parts[1] as string } : { kind: 'use', db: parts[0] as string };
}

/** After `INSERT`. */
export function parseInsert(p: TokenCursor): Statement {
  let overwrite = false;
  if (p.acceptWords('OVERWRITE', 'TABLE')) overwrite = true;
  else p.expectWords('INTO');
  const table = plainTableName(p);
  const partitions = parsePartitionSpec(p);
  const label = p.acceptWords('WITH', 'LABEL') ? p.identifier() : undefined;
  let columns: string[] | undefined;
  if (p.isOp('(') && !p.isWord('SELECT', 1) && !p.isWord('VALUES', 1)) columns = p.identifierList();
  if (p.acceptOp('[')) {
    // Load hints such as [shuffle] are accepted and ignored.
    while (!p.acceptOp(']')) {
      if (p.atEnd()) throw p.error("']'");
      p.next();
    }
  }
  return { kind: 'insert', overwrite, table, partitions, label, columns, source: parseQuery(p) };
}

/** After `DELETE`. */
export function parseDelete(p: TokenCursor): Statement {
  p.expectWords('FROM');
  const table = plainTableName(p);
  const partitions = parsePartitionSpec(p);
  let alias: string | undefined;
  if (p.acceptWords('AS')) alias = p.identifier();
  else if (p.isIdentifier()) alias = p.identifier();
  if (p.isWord('USING')) return { kind: 'unsupported', what: 'DELETE … USING' };
  const where = p.acceptWords('WHERE') ? parseExpr(p) : undefined;
  return { kind: 'delete', table, partitions, alias, where };
}

/** After `UPDATE`. */
export function parseUpdate(p: TokenCursor): Statement {
  const table = plainTableName(p);
  let alias: string | undefined;
  if (p.acceptWords('AS')) alias = p.identifier();
  else if (p.isIdentifier()) alias = p.identifier();
  p.expectWords('SET');
  const assignments: { column: string; value: Expr }[] = [];
  do {
    const parts = p.multipartName();
    p.expectOp('=');
    assignments.push({ column: parts[parts.length - 1] as string, value: parseExpr(p) });
  } while (p.acceptOp(','));
  if (p.acceptWords('FROM')) {
    parseRelations(p);
    return { kind: 'unsupported', what: 'UPDATE … FROM' };
  }
  const where = p.acceptWords('WHERE') ? parseExpr(p) : undefined;
  return { kind: 'update', table, alias, assignments, where };
}

function skipChainRelease(p: TokenCursor): void {
  p.acceptWords('WORK');
  if (p.acceptWords('AND')) {
    p.acceptWords('NO');
    p.expectWords('CHAIN');
  }
  p.acceptWords('NO');
  p.acceptWords('RELEASE');
}

/** After BEGIN / COMMIT / ROLLBACK / KILL. */
export function parseTransactionOrKill(p: TokenCursor, word: 'BEGIN' | 'COMMIT' | 'ROLLBACK' | 'KILL'): Statement {
  switch (word) {
    case 'BEGIN': {
      if (!p.acceptWords('WITH', 'LABEL')) return { kind: 'begin' };
      return { kind: 'begin', label: p.isIdentifier() ? p.identifier() : undefined };
    }
    case 'COMMIT':
      skipChainRelease(p);
      return { kind: 'commit' };
    case 'ROLLBACK':
      skipChainRelease(p);
      return { kind: 'rollback' };
    case 'KILL': {
      const query = p.acceptWords('QUERY');
      if (!query) p.acceptWords('CONNECTION');
      return { kind: 'kill', query, connectionId: p.integerLiteral() };
    }
  }
}
