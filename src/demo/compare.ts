// Whether the destination database matches the source: the same tables and views, each with
// the same schema (SHOW CREATE, minus what a replica legitimately differs in) and rows.
import type { ClusterClient } from '../bench/cluster-client.js';

export interface DbSnapshot {
  tables: Map<string, { ddl: string; rows: string[] }>;
  views: Map<string, string>;
}

export interface Difference {
  object: string;
  what: string;
}

const showValue = (row: Record<string, unknown> | undefined, column: string): string => {
  const v = row?.[column];
  return typeof v === 'string' ? v : '';
};

/** The schema text with the property only the destination carries removed. */
function normalize(ddl: string): string {
  return ddl.replace(/\n?\s*"is_being_synced" = "(true|false)",?/, '');
}

export async function snapshotDb(c: ClusterClient, db: string): Promise<DbSnapshot> {
  const objects = await c.query<Record<string, string>>(`SHOW FULL TABLES FROM \`${db}\``);
  const out: DbSnapshot = { tables: new Map(), views: new Map() };
  for (const o of objects) {
    const name = o[`Tables_in_${db}`] ?? '';
    if (o.Table_type === 'VIEW') {
      const [row] = await c.query(`SHOW CREATE VIEW \`${db}\`.\`${name}\``);
      out.views.set(name, showValue(row, 'Create View'));
      continue;
    }
    const [row] = await c.query(`SHOW CREATE TABLE \`${db}\`.\`${name}\``);
    const rows = await c.query(`SELECT * FROM \`${db}\`.\`${name}\``);
    out.tables.set(name, {
      ddl: normalize(showValue(row, 'Create Table')),
      rows: rows.map((r) => JSON.stringify(Object.values(r))).sort(),
    });
  }
  return out;
}

export function differences(src: DbSnapshot, dest: DbSnapshot): Difference[] {
  const diffs: Difference[] = [];
  const names = new Set([...src.tables.keys(), ...dest.tables.keys(), ...src.views.keys(), ...dest.views.keys()]);
  for (const name of names) {
    const a = src.tables.get(name);
    const b = dest.tables.get(name);
    if (src.views.has(name) || dest.views.has(name)) {
      if (src.views.get(name) !== dest.views.get(name)) diffs.push({ object: name, what: dest.views.has(name) ? 'view definition differs' : 'view missing' });
    } else if (!a || !b) {
      diffs.push({ object: name, what: a ? 'missing on the destination' : 'only on the destination' });
    } else if (a.ddl !== b.ddl) {
      diffs.push({ object: name, what: 'schema differs' });
    } else if (a.rows.join('\n') !== b.rows.join('\n')) {
      diffs.push({ object: name, what: `rows differ (${a.rows.length} vs ${b.rows.length})` });
    }
  }
  return diffs;
}
