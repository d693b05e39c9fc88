// Entry point of the SQL front end: splits a string into statements on top-level `;` (a
// trailing `;` is allowed) and parses each into the AST of ast.ts.
import type { ParsedStatement, Statement } from './ast.js';
import { parseAlter, parseBackupOrRestore, parseCancel, parseCreate, parseDrop, parseRecover, parseTruncate } from './parse-ddl.js';
import { isQueryStart, parseQuery } from './parse-query.js';
import { parseDelete, parseInsert, parseSet, parseTransactionOrKill, parseUpdate, parseUse } from './parse-session-dml.js';
import { parseAdmin, parseDescribe, parseExplain, parseShow } from './parse-show.js';
import { syntaxError } from './lexer.js';
import { TokenCursor } from './token-cursor.js';

/** Leading keywords of Doris statements the simulator recognises but does not implement. */
const UNSUPPORTED_LEADING = new Set([
  'GRANT',
  'REVOKE',
  'LOAD',
  'EXPORT',
  'ANALYZE',
  'REFRESH',
  'SYNC',
  'HELP',
  'LOCK',
  'UNLOCK',
  'INSTALL',
  'UNINSTALL',
  'PAUSE',
  'RESUME',
  'STOP',
  'CLEAN',
  'COPY',
  'CALL',
  'SWITCH',
  'UNSET',
  'WARM',
  'PLAN',
  'START',
  'BUILD',
  'WITH',
  'REPLACE',
]);

function parseStatement(p: TokenCursor): Statement {
  if (isQueryStart(p)) return { kind: 'query', query: parseQuery(p) };
  const t = p.peek();
  if (t.type !== 'word') throw p.error();
  const word = t.upper;
  if (UNSUPPORTED_LEADING.has(word)) return { kind: 'unsupported', what: word };
  p.next();
  switch (word) {
    case 'SET':
      return parseSet(p);
    case 'USE':
      return parseUse(p);
    case 'SHOW':
      return parseShow(p);
    case 'DESC':
    case 'DESCRIBE':
      return parseDescribe(p, parseStatement);
    case 'EXPLAIN':
      return parseExplain(p, parseStatement);
    case 'ADMIN':
      return parseAdmin(p);
    case 'CREATE':
      return parseCreate(p);
    case 'DROP':
      return parseDrop(p);
    case 'ALTER':
      return parseAlter(p);
    case 'TRUNCATE':
      return parseTruncate(p);
    case 'RECOVER':
      return parseRecover(p);
    case 'BACKUP':
      return parseBackupOrRestore(p, 'backup');
    case 'RESTORE':
      return parseBackupOrRestore(p, 'restore');
    case 'CANCEL':
      return parseCancel(p);
    case 'INSERT':
      return parseInsert(p);
    case 'DELETE':
      return parseDelete(p);
    case 'UPDATE':
      return parseUpdate(p);
    case 'BEGIN':
    case 'COMMIT':
    case 'ROLLBACK':
    case 'KILL':
      return parseTransactionOrKill(p, word);
    default:
      throw p.error(undefined, t);
  }
}

/**
 * Parses every statement of `sql`. Empty statements (`;;`, comments only) are skipped, so an
 * empty string yields []. Throws SqlError 1064 at the first syntax error (statements before
 * it are not returned: a client sees one error for the whole string, as with Doris).
 */
export function parseSql(sql: string): ParsedStatement[] {
  const p = new TokenCursor(sql);
  const out: ParsedStatement[] = [];
  for (;;) {
    while (p.acceptOp(';'));
    if (p.atEnd()) return out;
    const start = p.peek().start;
    const statement = parseStatement(p);
    if (statement.kind === 'unsupported') {
      // Not modelled: skip to the end of this statement.
      while (!p.atEnd() && !p.isOp(';')) p.next();
    }
    if (!p.atEnd() && !p.isOp(';')) throw p.error("{<EOF>, ';'}");
    const end = p.lastEnd();
    out.push({ statement, text: sql.slice(start, end), offset: start });
  }
}

/** Parses exactly one statement (a trailing `;` is allowed). */
export function parseOne(sql: string): Statement {
  const all = parseSql(sql);
  const [first, second] = all;
  if (first === undefined) throw syntaxError(sql, sql.length, '<EOF>', 'a statement');
  if (second !== undefined) throw syntaxError(sql, second.offset, second.text.slice(0, 20), '<EOF>');
  return first.statement;
}
