// The query engine's view of the catalog: OLAP tables read through the model's merge-on-read
// scan, views as their stored (fully qualified) query, information_schema tables and the
// table functions Doris offers in FROM (frontends(), backends(), numbers()).
import type { ClusterModel } from '../model/cluster-model.js';
import type { ColumnType } from '../model/schema.js';
import type { ShowResult } from '../model/show-format.js';
import type { Value } from '../model/value.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { PartitionSpec, Properties, Query } from '../sql/ast.js';
import { parseOne } from '../sql/parser.js';
import type { ResolvedRelation, TableData, TableResolver } from '../sql/run-select.js';
import type { SqlSession } from '../sql/session.js';
import { INFORMATION_SCHEMA, informationSchemaTable } from './information-schema.js';
import { TEXT } from './results.js';

/** `frontends()` rows: Doris reports the FE the client talks to as CurrentConnected = Yes. */
export function frontendsFor(model: ClusterModel, frontendName: string | undefined): ShowResult {
  const result = model.proc.frontends();
  if (frontendName === undefined) return result;
  const nameCol = result.columns.indexOf('Name');
  const currentCol = result.columns.indexOf('CurrentConnected');
  if (nameCol < 0 || currentCol < 0) return result;
  return {
    columns: result.columns,
    rows: result.rows.map((r) => r.map((v, i) => (i === currentCol ? (r[nameCol] === frontendName ? 'Yes' : 'No') : v))),
  };
}

function textTable(result: ShowResult): TableData {
  return { columns: result.columns.map((name) => ({ name, type: TEXT })), rows: result.rows };
}

const BIGINT: ColumnType = { name: 'BIGINT' };
const MAX_NUMBERS = 1_000_000;

/** Accepts `internal` (Doris' default catalog) and no catalog; other catalogs do not exist here. */
export function checkCatalog(catalog: string | undefined): void {
  if (catalog !== undefined && catalog !== 'internal') throw dorisError(ErrNo.UNKNOWN, `Unknown catalog '${catalog}'`);
}

export class CatalogResolver implements TableResolver {
  /** Parsed view queries by their text: views are read often and change rarely. */
  private readonly viewQueries = new Map<string, Query>();

  constructor(
    private readonly model: ClusterModel,
    private readonly frontendName: string | undefined,
  ) {}

  resolveTable(name: { catalog?: string | undefined; db: string; name: string }, _session: SqlSession, partitions?: PartitionSpec): ResolvedRelation {
    checkCatalog(name.catalog);
    if (name.db.toLowerCase() === INFORMATION_SCHEMA) return { kind: 'table', ...informationSchemaTable(this.model, name.name) };
    const db = this.model.catalog.database(name.db);
    if (db === undefined) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${name.db}'`);
    const table = this.model.catalog.table(name.db, name.name);
    if (table === undefined) throw dorisError(ErrNo.UNKNOWN, `Table [${name.name}] does not exist in database [${name.db}].`);
    if (table.kind === 'VIEW') {
      if (partitions !== undefined) throw dorisError(ErrNo.UNKNOWN, `${name.name} is not OLAP table`);
      return { kind: 'view', db: db.name, query: this.viewQuery(table.def.query), columns: table.def.columns?.map((c) => c.name) };
    }
    const names = partitions === undefined || partitions.names === '*' ? undefined : partitions.names;
    const scan = this.model.scan(db.name, table.name, { partitions: names, temporaryPartitions: partitions?.temporary });
    return { kind: 'table', columns: scan.columns.map((c) => ({ name: c.name, type: c.type })), rows: scan.rows };
  }

  tableFunction(name: string, properties: Properties, _session: SqlSession): TableData {
    switch (name) {
      case 'frontends':
        return textTable(frontendsFor(this.model, this.frontendName));
      case 'backends':
        return textTable(this.model.proc.backends());
      case 'numbers': {
        const raw = properties['number'];
        if (raw === undefined || !/^\d+$/.test(raw)) throw dorisError(ErrNo.UNKNOWN, "can not find `number` in properties or `number` is not a number");
        const count = Number(raw);
        // Doris streams numbers(); the simulator materialises rows, so it bounds them.
        if (count > MAX_NUMBERS) throw dorisError(ErrNo.NOT_SUPPORTED, `numbers() is limited to ${MAX_NUMBERS} rows in the simulator`);
        const rows: Value[][] = [];
        for (let i = 0; i < count; i++) rows.push([BigInt(i)]);
        return { columns: [{ name: 'number', type: BIGINT }], rows };
      }
      default:
        throw dorisError(ErrNo.UNKNOWN, `Can not found function '${name}'`);
    }
  }

  private viewQuery(text: string): Query {
    let query = this.viewQueries.get(text);
    if (query === undefined) {
      const statement = parseOne(text);
      if (statement.kind !== 'query') throw dorisError(ErrNo.UNKNOWN, 'view definition is not a query');
      query = statement.query;
      this.viewQueries.set(text, query);
    }
    return query;
  }
}
