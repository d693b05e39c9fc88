// What the demo does on the source cluster, step by step, and how long each change took to
// show up on the destination.
import { sleep } from '../util/abort.js';
import type { TwoClusters } from '../bench/two-clusters.js';
import { differences, snapshotDb } from './compare.js';

export const DB = 'shop';
export const JOB = 'demo_shop';

const BINLOG = '"binlog.enable" = "true"';

interface Step {
  title: string;
  sql: string;
}

const STEPS: readonly Step[] = [
  { title: 'insert 3 orders', sql: `INSERT INTO ${DB}.orders VALUES (4, '2024-01-20', 310.00), (5, '2024-01-21', 12.50), (6, '2024-01-22', 99.90)` },
  {
    title: 'create table customers, insert 2 rows',
    sql: `CREATE TABLE ${DB}.customers (id INT, name VARCHAR(32)) UNIQUE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.customers VALUES (1, 'Ada'), (2, 'Linus')`,
  },
  {
    title: 'add column orders.note, insert a row using it',
    sql: `ALTER TABLE ${DB}.orders ADD COLUMN note VARCHAR(32) DEFAULT "";
      INSERT INTO ${DB}.orders VALUES (7, '2024-01-30', 42.00, 'gift')`,
  },
  {
    title: 'add partition p2024_02, load February',
    sql: `ALTER TABLE ${DB}.orders ADD PARTITION p2024_02 VALUES LESS THAN ("2024-03-01");
      INSERT INTO ${DB}.orders VALUES (8, '2024-02-02', 180.00, ''), (9, '2024-02-14', 64.00, 'roses')`,
  },
  { title: 'rename customers to clients', sql: `ALTER TABLE ${DB}.customers RENAME clients` },
  { title: 'create view big_orders', sql: `CREATE VIEW ${DB}.big_orders AS SELECT id, day, amount FROM ${DB}.orders WHERE amount > 100` },
];

export const SOURCE_SETUP = `CREATE DATABASE ${DB} PROPERTIES (${BINLOG});
  CREATE TABLE ${DB}.orders (id INT, day DATE, amount DECIMAL(10, 2)) DUPLICATE KEY(id)
    PARTITION BY RANGE(day) (PARTITION p2024_01 VALUES LESS THAN ("2024-02-01"))
    DISTRIBUTED BY HASH(id) BUCKETS 2 PROPERTIES (${BINLOG});
  INSERT INTO ${DB}.orders VALUES (1, '2024-01-05', 120.00), (2, '2024-01-09', 35.00), (3, '2024-01-15', 250.00)`;

/** Waits until the destination database matches the source; returns the ms it took. */
export async function waitInSync(env: TwoClusters, signal: AbortSignal, timeoutMs = 30_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    const [src, dest] = await Promise.all([snapshotDb(env.src, DB), snapshotDb(env.dest, DB).catch(() => undefined)]);
    const diffs = dest ? differences(src, dest) : [{ object: DB, what: 'database missing' }];
    if (diffs.length === 0) return performance.now() - start;
    if (performance.now() - start > timeoutMs) {
      const status = await env.api.status(JOB);
      throw new Error(`the destination still differs after ${timeoutMs / 1000} s: ${diffs.map((d) => `${d.object}: ${d.what}`).join('; ')}` +
        (status.last_error?.message ? ` (job error: ${status.last_error.message})` : ''));
    }
    await sleep(20, signal);
  }
}

/** Runs every step on the source, printing each with the time it took to replicate. */
export async function runSteps(env: TwoClusters, print: (line: string) => void, signal: AbortSignal): Promise<void> {
  const width = Math.max(...STEPS.map((s) => s.title.length));
  for (const [i, step] of STEPS.entries()) {
    await env.src.query(step.sql);
    const ms = await waitInSync(env, signal);
    print(`  ${String(i + 1).padStart(2)}. ${step.title.padEnd(width)}  replicated in ${Math.max(1, Math.round(ms))} ms`);
  }
}
