// ALTER TABLE: each clause of the statement maps onto one model DDL call. Clauses Doris
// executes together are grouped (ADD/DROP COLUMN lists become one schema change, MODIFY
// COLUMN … COMMENT lists one MODIFY_COMMENT), so the binlogs match a real FE's.
import type { AddColumnSpec } from '../model/ddl-column.js';
import { indexTypeOf } from '../model/ddl-index.js';
import type { IndexDef } from '../model/schema.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { AlterClause, ColumnPosition } from '../sql/ast.js';
import { checkCatalog } from './catalog-resolver.js';
import { dbOf, type ExecContext, type StatementHandlers } from './context.js';
import { okResult } from './results.js';

function spec(column: AddColumnSpec['column'], position: ColumnPosition | undefined): AddColumnSpec {
  if (position === undefined) return { column };
  return 'first' in position ? { column, first: true } : { column, after: position.after };
}

function noRollupTarget(rollup: string | undefined): void {
  if (rollup !== undefined) throw dorisError(ErrNo.NOT_SUPPORTED, 'column changes on a rollup (TO/FROM rollup) are not supported by the simulator');
}

function unsupported(what: string): Error {
  return dorisError(ErrNo.NOT_SUPPORTED, `${what} is not supported by the simulator`);
}

/**
 * ADD INDEX: inverted indexes are a light index change in Doris; the other types (BITMAP,
 * NGRAM_BF) run a schema change job, which the simulator does not model for indexes.
 */
export function addIndex(ctx: ExecContext, db: string, table: string, index: IndexDef, ifNotExists: boolean): void {
  if (index.indexType.toUpperCase() !== 'INVERTED') throw unsupported(`${index.indexType.toUpperCase()} index changes`);
  ctx.model.ddl.addInvertedIndex(db, table, index, { ifNotExists });
}

/** DROP INDEX: see addIndex. */
export function dropIndex(ctx: ExecContext, db: string, table: string, name: string, ifExists: boolean): void {
  const t = ctx.model.catalog.table(db, table);
  const type = t?.kind === 'OLAP' ? indexTypeOf(t, name) : undefined;
  if (type !== undefined && type !== 'INVERTED') throw unsupported(`${type} index changes`);
  ctx.model.ddl.dropInvertedIndex(db, table, name, { ifExists });
}

/** Consecutive clauses of the same kind that Doris applies as one operation. */
function group(clauses: AlterClause[]): AlterClause[][] {
  const groups: AlterClause[][] = [];
  const mergeable = (k: AlterClause['kind']): string =>
    k === 'addColumn' || k === 'addColumns' ? 'add' : k === 'dropColumn' ? 'drop' : k === 'modifyColumnComment' ? 'comment' : '';
  for (const c of clauses) {
    const last = groups[groups.length - 1];
    const key = mergeable(c.kind);
    const lastFirst = last?.[0];
    if (last !== undefined && lastFirst !== undefined && key !== '' && mergeable(lastFirst.kind) === key) last.push(c);
    else groups.push([c]);
  }
  return groups;
}

function applyGroup(ctx: ExecContext, db: string, table: string, clauses: AlterClause[]): void {
  const ddl = ctx.model.ddl;
  const first = clauses[0];
  if (first === undefined) return;
  switch (first.kind) {
    case 'addColumn':
    case 'addColumns': {
      const specs: AddColumnSpec[] = [];
      for (const c of clauses) {
        if (c.kind === 'addColumn') {
          noRollupTarget(c.rollup);
          specs.push(spec(c.column, c.position));
        } else if (c.kind === 'addColumns') {
          noRollupTarget(c.rollup);
          specs.push(...c.columns.map((column) => ({ column })));
        }
      }
      ddl.addColumns(db, table, specs);
      return;
    }
    case 'dropColumn': {
      const names: string[] = [];
      for (const c of clauses) {
        if (c.kind !== 'dropColumn') continue;
        noRollupTarget(c.rollup);
        names.push(c.name);
      }
      ddl.dropColumns(db, table, names);
      return;
    }
    case 'modifyColumnComment': {
      const comments: Record<string, string> = {};
      for (const c of clauses) if (c.kind === 'modifyColumnComment') comments[c.name] = c.comment;
      ddl.modifyColumnComments(db, table, comments);
      return;
    }
    case 'modifyColumn':
      noRollupTarget(first.rollup);
      ddl.modifyColumn(db, table, spec(first.column, first.position));
      return;
    case 'reorderColumns':
      noRollupTarget(first.rollup);
      ddl.reorderColumns(db, table, first.columns);
      return;
    case 'addPartition': {
      if (!first.temporary) ddl.checkPartitionAlterAllowed(db, table);
      const { type: _type, ...def } = first.partition;
      ddl.addPartition(
        db,
        table,
        { ...def, isTemp: first.temporary, distribution: first.distribution ?? def.distribution, properties: { ...def.properties, ...first.properties } },
        { isTemp: first.temporary, ifNotExists: first.ifNotExists },
      );
      return;
    }
    case 'dropPartition':
      if (first.fromIndex !== undefined) throw unsupported('DROP PARTITION … FROM INDEX');
      if (!first.temporary) ddl.checkPartitionAlterAllowed(db, table);
      ddl.dropPartition(db, table, first.name, { isTemp: first.temporary, ifExists: first.ifExists, force: first.force });
      return;
    case 'modifyPartition': {
      if (first.temporary) throw unsupported('MODIFY TEMPORARY PARTITION');
      const names = first.names === '*' ? ctx.model.proc.showPartitions(db, table).rows.map((r) => r[1] ?? '') : first.names;
      ddl.modifyPartitions(db, table, names, first.properties);
      return;
    }
    case 'replacePartition': {
      const { partitions, tempPartitions, properties } = first;
      if (partitions.names === '*' || tempPartitions.names === '*') throw unsupported('REPLACE PARTITION (*)');
      ddl.replacePartitions(db, table, partitions.names, tempPartitions.names, {
        strictRange: properties['strict_range'] !== 'false',
        useTempPartitionName: properties['use_temp_partition_name'] === 'true',
        force: first.force,
      });
      return;
    }
    case 'replaceTable':
      ddl.replaceTable(db, table, first.table, { swap: first.properties['swap'] !== 'false', force: first.force });
      return;
    case 'rename':
      ddl.renameTable(db, table, first.newName);
      return;
    case 'renameRollup':
      ddl.renameRollup(db, table, first.name, first.newName);
      return;
    case 'renamePartition':
      ddl.renamePartition(db, table, first.name, first.newName);
      return;
    case 'renameColumn':
      ddl.renameColumn(db, table, first.name, first.newName);
      return;
    case 'modifyComment':
      ddl.modifyTableComment(db, table, first.comment);
      return;
    case 'setProperties':
      ddl.setTableProperties(db, table, first.properties);
      return;
    case 'addRollup':
      for (const r of first.rollups) ddl.addRollup(db, table, r.name, r.columns, r.duplicateKeys);
      return;
    case 'dropRollup':
      for (const name of first.names) ddl.dropRollup(db, table, name);
      return;
    case 'addIndex':
      addIndex(ctx, db, table, first.index, first.ifNotExists);
      return;
    case 'dropIndex':
      dropIndex(ctx, db, table, first.name, first.ifExists);
      return;
    case 'enableFeature':
      throw unsupported(`ENABLE FEATURE "${first.feature}"`);
    case 'modifyDistribution':
      throw unsupported('MODIFY DISTRIBUTION');
    case 'modifyEngine':
      throw unsupported('MODIFY ENGINE');
  }
}

/** ALTER TABLE [db.]t clause[, clause…]. */
export const alterTableHandlers = {
  alterTable: (ctx, statement) => {
    checkCatalog(statement.table.catalog);
    const db = dbOf(ctx, statement.table.db);
    // RENAME changes the name later clauses must use.
    let table = statement.table.name;
    for (const clauses of group(statement.clauses)) {
      applyGroup(ctx, db, table, clauses);
      const first = clauses[0];
      if (first?.kind === 'rename') table = first.newName;
    }
    return okResult();
  },
} satisfies Partial<StatementHandlers>;
