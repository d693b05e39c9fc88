// ALTER TABLE: comma-separated clauses (alterTableClause in DorisParser.g4), plus the forms
// that must stand alone (ADD ROLLUP …, DROP ROLLUP …, SET (…)).
import type { AlterClause, ColumnPosition, Statement } from './ast.js';
import { dorisError, ErrNo } from '../sql-error.js';
import { parsePartitionSpec } from './parse-query.js';
import { parseColumnDef, parseDistribution, parseIndexDef, parsePartitionDef, parseRollupDef } from './parse-table-parts.js';
import type { TokenCursor } from './token-cursor.js';

function parsePosition(p: TokenCursor): ColumnPosition | undefined {
  if (p.acceptWords('FIRST')) return { first: true };
  if (p.acceptWords('AFTER')) return { after: p.identifier() };
  return undefined;
}

function parseToRollup(p: TokenCursor): string | undefined {
  return p.acceptOneOf('TO', 'IN') !== undefined ? p.identifier() : undefined;
}

function parseFromRollup(p: TokenCursor): string | undefined {
  return p.acceptWords('FROM') ? p.identifier() : undefined;
}

function parseAdd(p: TokenCursor): AlterClause {
  if (p.acceptWords('COLUMN')) {
    if (p.acceptOp('(')) {
      const columns = [parseColumnDef(p)];
      while (p.acceptOp(',')) columns.push(parseColumnDef(p));
      p.expectOp(')');
      return { kind: 'addColumns', columns, rollup: parseToRollup(p), properties: p.optionalProperties() };
    }
    const column = parseColumnDef(p);
    const position = parsePosition(p);
    return { kind: 'addColumn', column, position, rollup: parseToRollup(p), properties: p.optionalProperties() };
  }
  if (p.acceptWords('INDEX')) {
    const { index, ifNotExists } = parseIndexDef(p);
    return { kind: 'addIndex', index, ifNotExists };
  }
  const temporary = p.acceptWords('TEMPORARY');
  if (p.isWord('PARTITIONS')) throw dorisError(ErrNo.NOT_SUPPORTED, 'ADD PARTITIONS FROM … TO … is not supported by the simulator');
  if (!p.isWord('PARTITION')) throw p.error('COLUMN, INDEX or PARTITION');
  const { ifNotExists, ...partition } = parsePartitionDef(p);
  const distribution = p.acceptWords('DISTRIBUTED', 'BY') ? parseDistribution(p) : undefined;
  if (temporary) partition.isTemp = true;
  return { kind: 'addPartition', temporary, ifNotExists, partition, distribution, properties: p.optionalProperties() };
}

function parseDrop(p: TokenCursor): AlterClause {
  if (p.acceptWords('COLUMN')) {
    const name = p.identifier();
    return { kind: 'dropColumn', name, rollup: parseFromRollup(p), properties: p.optionalProperties() };
  }
  if (p.acceptWords('INDEX')) {
    const ifExists = p.acceptWords('IF', 'EXISTS');
    return { kind: 'dropIndex', name: p.identifier(), ifExists };
  }
  const temporary = p.acceptWords('TEMPORARY');
  p.expectWords('PARTITION');
  const ifExists = p.acceptWords('IF', 'EXISTS');
  const name = p.identifier();
  const force = p.acceptWords('FORCE');
  const fromIndex = p.acceptWords('FROM', 'INDEX') ? p.identifier() : undefined;
  return { kind: 'dropPartition', temporary, ifExists, name, force, fromIndex };
}

function parseModify(p: TokenCursor): AlterClause {
  if (p.acceptWords('COLUMN')) {
    // `MODIFY COLUMN c COMMENT '…'` changes only the comment; anything else is a full column definition.
    if (p.isIdentifier() && p.isWord('COMMENT', 1)) {
      const name = p.identifier();
      p.expectWords('COMMENT');
      return { kind: 'modifyColumnComment', name, comment: p.stringLiteral() };
    }
    const column = parseColumnDef(p);
    const position = parsePosition(p);
    return { kind: 'modifyColumn', column, position, rollup: parseFromRollup(p), properties: p.optionalProperties() };
  }
  if (p.acceptWords('COMMENT')) return { kind: 'modifyComment', comment: p.stringLiteral() };
  if (p.acceptWords('DISTRIBUTION')) {
    return { kind: 'modifyDistribution', distribution: p.acceptWords('DISTRIBUTED', 'BY') ? parseDistribution(p) : undefined };
  }
  if (p.acceptWords('ENGINE', 'TO')) return { kind: 'modifyEngine', engine: p.identifier(), properties: p.optionalProperties() };
  const temporary = p.acceptWords('TEMPORARY');
  p.expectWords('PARTITION');
  let names: string[] | '*';
  if (p.isOp('(') && p.isOp('*', 1)) {
    p.next();
    p.next();
    p.expectOp(')');
    names = '*';
  } else {
    names = p.isOp('(') ? p.identifierList() : [p.identifier()];
  }
  p.expectWords('SET');
  return { kind: 'modifyPartition', temporary, names, properties: p.propertyList() };
}

function parseRename(p: TokenCursor): AlterClause {
  // ROLLUP is not reserved, so `RENAME rollup` renames the table to "rollup".
  if (p.isWord('ROLLUP') && p.isIdentifier(1)) {
    p.next();
    return { kind: 'renameRollup', name: p.identifier(), newName: p.identifier() };
  }
  if (p.acceptWords('PARTITION')) return { kind: 'renamePartition', name: p.identifier(), newName: p.identifier() };
  if (p.acceptWords('COLUMN')) return { kind: 'renameColumn', name: p.identifier(), newName: p.identifier() };
  return { kind: 'rename', newName: p.identifier() };
}

function parseReplace(p: TokenCursor): AlterClause {
  if (p.acceptWords('WITH', 'TABLE')) {
    const table = p.identifier();
    const properties = p.optionalProperties();
    return { kind: 'replaceTable', table, properties, force: p.acceptWords('FORCE') };
  }
  const partitions = parsePartitionSpec(p);
  p.expectWords('WITH');
  const tempPartitions = parsePartitionSpec(p);
  if (partitions === undefined || tempPartitions === undefined) throw p.error('PARTITION (…) WITH TEMPORARY PARTITION (…)');
  const force = p.acceptWords('FORCE');
  return { kind: 'replacePartition', partitions, tempPartitions, force, properties: p.optionalProperties() };
}

function parseClause(p: TokenCursor): AlterClause {
  const word = p.acceptOneOf('ADD', 'DROP', 'MODIFY', 'RENAME', 'REPLACE', 'ORDER', 'ENABLE');
  switch (word) {
    case 'ADD':
      return parseAdd(p);
    case 'DROP':
      return parseDrop(p);
    case 'MODIFY':
      return parseModify(p);
    case 'RENAME':
      return parseRename(p);
    case 'REPLACE':
      return parseReplace(p);
    case 'ORDER': {
      p.expectWords('BY');
      const columns = p.identifierList();
      return { kind: 'reorderColumns', columns, rollup: parseFromRollup(p), properties: p.optionalProperties() };
    }
    case 'ENABLE': {
      p.expectWords('FEATURE');
      const feature = p.stringLiteral();
      const properties = p.acceptWords('WITH') ? p.optionalProperties() : {};
      return { kind: 'enableFeature', feature, properties };
    }
    case undefined:
      throw p.error('an ALTER TABLE clause');
  }
}

/** After `ALTER TABLE`: the table name and its clauses. */
export function parseAlterTableRest(p: TokenCursor): Statement {
  const { span: _span, ...table } = p.tableName();
  if (p.acceptWords('ADD', 'ROLLUP')) {
    const rollups = [parseRollupDef(p, true)];
    while (p.acceptOp(',')) rollups.push(parseRollupDef(p, true));
    return { kind: 'alterTable', table, clauses: [{ kind: 'addRollup', rollups }] };
  }
  if (p.acceptWords('DROP', 'ROLLUP')) {
    const names = [p.identifier()];
    p.optionalProperties();
    while (p.acceptOp(',')) {
      names.push(p.identifier());
      p.optionalProperties();
    }
    return { kind: 'alterTable', table, clauses: [{ kind: 'dropRollup', names }] };
  }
  if (p.isWord('SET') && p.isOp('(', 1)) {
    p.next();
    return { kind: 'alterTable', table, clauses: [{ kind: 'setProperties', properties: p.propertyList() }] };
  }
  if (p.isWords('ADD', 'CONSTRAINT') || p.isWords('DROP', 'CONSTRAINT') || p.isWords('SET', 'STATS')) {
    return { kind: 'unsupported', what: `ALTER TABLE … ${p.peek().upper} ${p.peek(1).upper}` };
  }
  const clauses = [parseClause(p)];
  while (p.acceptOp(',')) clauses.push(parseClause(p));
  return { kind: 'alterTable', table, clauses };
}
