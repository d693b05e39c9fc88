// `npm run demo`: two simulated Doris clusters and a syncer (separate processes, SQLite in a
// temp dir), a database job created over the HTTP API, loads and DDL on the source replicated
// live, a check that the destination matches, then ready-to-paste commands to explore until
// Ctrl-C, which stops every process and removes the temp dir.
import { TwoClusters } from '../bench/two-clusters.js';
import { freePort } from '../util/free-port.js';
import { differences, snapshotDb } from './compare.js';
import { DB, JOB, runSteps, SOURCE_SETUP, waitInSync } from './scenario.js';

const print = (line = ''): void => console.log(line);

function explore(env: TwoClusters): string[] {
  const api = env.api.base;
  const job = `-d '{"name":"${JOB}"}'`;
  return [
    'Explore (Ctrl-C stops everything and removes the temp dir):',
    '',
    `  curl ${job} ${api}/job_status`,
    `  curl ${job} ${api}/get_lag`,
    `  curl ${job} ${api}/pause`,
    `  curl ${job} ${api}/resume`,
    `  curl '${api}/view?type=table'        # or open ${api}/view in a browser`,
    '',
    `  mysql -h127.0.0.1 -P${env.srcSim.ready.query_port} -uroot ${DB}    # source: write here`,
    `  mysql -h127.0.0.1 -P${env.destSim.ready.query_port} -uroot ${DB}    # destination: watch it follow`,
    '',
    `  e.g. INSERT INTO ${DB}.orders VALUES (10, '2024-02-20', 500.00, 'live');`,
  ];
}

const stopped = new AbortController();
let env: TwoClusters | undefined;

/** Stops the processes, removes the temp dir and exits. Runs once. */
function shutdown(code: number): void {
  if (stopped.signal.aborted) return;
  stopped.abort();
  print('\nStopping the syncer and both clusters ...');
  void (env?.close() ?? Promise.resolve()).then(
    () => {
      print('Stopped; temp dir removed.');
      process.exit(code);
    },
    () => process.exit(1),
  );
}

async function main(): Promise<void> {
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  print('ccr-syncer demo: replicating a Doris database between two simulated clusters\n');
  const started = performance.now();
  // A port picked up front rather than 0, so the syncer's identity (host:port, the owner
  // column of /view) is the address it really serves.
  env = await TwoClusters.start({ sim: { beCount: 3 }, syncerArgs: ['--port', String(await freePort())], tempPrefix: 'ccr-demo-' });
  if (stopped.signal.aborted) {
    await env.close();
    return;
  }
  print(`  source cluster       bin/doris_sim, 1 FE + 3 BEs, MySQL port ${env.srcSim.ready.query_port}`);
  print(`  destination cluster  bin/doris_sim, 1 FE + 3 BEs, MySQL port ${env.destSim.ready.query_port}`);
  print(`  syncer               bin/ccr_syncer, ${env.api.base}, SQLite in ${env.workDir}`);
  print(`  started in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  await env.src.query(SOURCE_SETUP);
  print(`Source: database ${DB}, table orders (range-partitioned by day, 3 rows).`);
  const t = performance.now();
  await env.api.createJob(JOB, { sim: env.srcSim, database: DB }, { sim: env.destSim, database: DB });
  print(`Job ${JOB} created with POST ${env.api.base}/create_ccr (database ${DB} → ${DB}).`);
  await env.api.waitCaughtUp(JOB, 60_000, stopped.signal);
  await waitInSync(env, stopped.signal);
  print(`Full sync (backup on the source, restore on the destination) done in ${((performance.now() - t) / 1000).toFixed(1)} s.\n`);

  print('Changes on the source, replayed from its binlog:');
  await runSteps(env, print, stopped.signal);

  const [src, dest] = await Promise.all([snapshotDb(env.src, DB), snapshotDb(env.dest, DB)]);
  const diffs = differences(src, dest);
  if (diffs.length > 0) throw new Error(`the destination differs: ${diffs.map((d) => `${d.object}: ${d.what}`).join('; ')}`);
  const rows = [...src.tables.values()].reduce((n, tb) => n + tb.rows.length, 0);
  print(`\n✓ The destination matches the source: tables ${[...src.tables.keys()].sort().join(', ')} (schema and all ${rows} rows) and view ${[...src.views.keys()].join(', ')}.\n`);
  for (const line of explore(env)) print(line);
}

main().catch((err: unknown) => {
  if (stopped.signal.aborted) return; // interrupted: shutdown() is already cleaning up
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
  shutdown(1);
});
