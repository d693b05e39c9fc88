import { describe, expect, it } from 'vitest';
import { col, tableDef, testModel } from '../model/fixtures.js';
import { decodeBackupMeta, encodeBackupMeta, olapTableMeta } from './backup-meta.js';
import { tableSignature } from './signature.js';

describe('backup meta', () => {
  it('copies selected partitions, keeps auto buckets as numbers, and round-trips 64-bit values', () => {
    const { model } = testModel({ backends: 1 });
    model.ddl.createDatabase('db');
    const t = model.ddl.createTable(
      'db',
      tableDef({
        name: 't',
        keys: [col('k', 'BIGINT')],
        partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [2n ** 60n] }, { name: 'p2', upper: [2n ** 62n] }] },
        distribution: { type: 'HASH', columns: ['k'], buckets: 'AUTO' },
        properties: { replication_num: '1' },
      }),
    );
    const meta = olapTableMeta(t, ['p2']);
    expect(meta.partitions.map((p) => p.name)).toEqual(['p2']);
    expect(meta.def.distribution.buckets).toBe(10);
    expect(meta.def.properties['_auto_bucket']).toBe('true');
    expect(tableSignature(meta.def)).toBe(tableSignature({ ...meta.def, distribution: { type: 'HASH', columns: ['k'], buckets: 'AUTO' } }));
    const back = decodeBackupMeta(encodeBackupMeta({ tables: [meta] }));
    expect(back.tables[0]).toEqual(meta);
    expect(() => decodeBackupMeta(Buffer.from('PK\u0003\u0004 zip'))).toThrow('not a backup meta');
  });
});
