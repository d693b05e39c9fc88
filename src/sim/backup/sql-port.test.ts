import { describe, expect, it } from 'vitest';
import type { BackupRestoreApi } from '../executor/backup-api.js';
import { createSimEnv } from '../env.js';
import { col, tableDef } from '../model/fixtures.js';
import { backupRestorePort } from './sql-port.js';

describe('backupRestorePort', () => {
  it('serves the executor port: EXCLUDE backups, SHOW BACKUP/RESTORE, cancel', () => {
    const env = createSimEnv({ backends: 1 });
    env.model.ddl.createDatabase('db');
    for (const name of ['a', 'b']) env.model.ddl.createTable('db', tableDef({ name, keys: [col('k', 'INT')], properties: { replication_num: '1' } }));
    const port: BackupRestoreApi = backupRestorePort(env);
    port.backup({ db: 'db', label: 'snap', repo: '__keep_on_local__', tables: [{ name: 'a' }], exclude: true, properties: {} });
    const row = port.showBackup('db').rows[0] ?? [];
    expect(row[4]).toBe('[`db`.`b`]');
    port.cancelBackup('db');
    expect(port.showBackup('db').rows[0]?.[3]).toBe('CANCELLED');
    expect(port.showRestore('db', true).rows).toEqual([]);
    expect(() => port.cancelRestore('db')).toThrow('No restore is currently running');
  });
});
