// "Same schema" for a restore into an existing table or view (OlapTable.getSignature /
// View.getSignature): key type, columns (name, type, nullability, key, aggregation), partition
// and distribution shape, and the materialized indexes. Column unique ids and properties do
// not take part, so a table created by replaying the source's DDL matches its backup.
import type { TableDef, ViewDef } from '../model/schema.js';

export function tableSignature(def: TableDef): string {
  // BUCKETS AUTO travels as the actual number plus the _auto_bucket marker.
  const buckets = def.distribution.buckets === 'AUTO' || def.properties['_auto_bucket'] === 'true' ? 'AUTO' : def.distribution.buckets;
  return JSON.stringify({
    keysType: def.keysType,
    columns: def.columns.map((c) => [c.name.toLowerCase(), c.type, c.nullable, c.isKey, c.aggregate ?? null]),
    partition: def.partition.type === 'UNPARTITIONED' ? ['UNPARTITIONED'] : [def.partition.type, def.partition.columns],
    distribution:
      def.distribution.type === 'HASH'
        ? ['HASH', def.distribution.columns, buckets]
        : ['RANDOM', buckets],
    rollups: [...def.rollups].sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => [r.name, r.columns]),
  });
}

export function viewSignature(def: ViewDef): string {
  return JSON.stringify([def.query.trim(), (def.columns ?? []).map((c) => c.name)]);
}
