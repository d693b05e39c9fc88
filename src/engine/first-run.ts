// create_ccr checks (the Go syncer's FirstRun): both clusters reachable with the given
// credentials, binlog enabled on FEs, BEs, the source database or table, the source exists,
// the destination table absent unless allow_table_exists. Resolves ids and FE lists. Every
// failure says what to fix.
import { mapHost } from '../doris/host-mapping.js';
import { quoteIdent, quoteString, SqlClientError } from '../doris/sql-client.js';
import { CcrError, errorMessage } from '../errors/ccr-error.js';
import type { ClusterSpec, Frontend, JobSpec } from '../jobs/job-spec.js';
import type { ClientPool, Side } from './clients.js';

const BINLOG_ON = '"binlog.enable" = "true"';

function sideName(side: Side): 'src' | 'dest' {
  return side === 'source' ? 'src' : 'dest';
}

function inputError(message: string): CcrError {
  return new CcrError('CCR_E0501', message, { category: 'input', disposition: 'pause' });
}

/** Rewrites SQL client failures into what the operator has to check. */
function explain(err: unknown, side: Side, spec: ClusterSpec): unknown {
  if (!(err instanceof SqlClientError)) return err;
  const where = `${side} FE ${spec.host}:${spec.port}`;
  const field = sideName(side);
  if (err.kind === 'connect') {
    return new CcrError('CCR_E0502', `cannot reach the ${where} (${err.serverMessage ?? err.message}); check ${field}.host and ${field}.port`, {
      category: 'sql',
      disposition: 'retry',
      cause: err,
    });
  }
  if (err.errno === 1045) {
    return new CcrError('CCR_E0503', `the ${where} rejected user "${spec.user}": check ${field}.user and ${field}.password`, {
      category: 'config',
      disposition: 'pause',
      cause: err,
    });
  }
  return err;
}

async function checked<T>(side: Side, spec: ClusterSpec, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explain(err, side, spec);
  }
}

async function frontends(pool: ClientPool, spec: ClusterSpec, signal: AbortSignal): Promise<Frontend[]> {
  const res = await pool.sql(spec).query('select Host, QueryPort, RpcPort, IsMaster from frontends();', signal);
  return res.rows.map((r) => ({
    host: r.Host ?? '',
    port: Number(r.QueryPort),
    thriftPort: Number(r.RpcPort),
    isMaster: (r.IsMaster ?? '').toLowerCase() === 'true',
  }));
}

async function checkFeBinlog(pool: ClientPool, side: Side, spec: ClusterSpec, signal: AbortSignal): Promise<void> {
  const res = await pool.sql(spec).query('ADMIN SHOW FRONTEND CONFIG LIKE "%enable_feature_binlog%"', signal);
  const value = res.rows[0]?.Value ?? '';
  if (value.toLowerCase() !== 'true') {
    throw inputError(`binlog is disabled on the ${side} FEs: set enable_feature_binlog=true in fe.conf and be.conf and restart them`);
  }
}

async function checkBeBinlog(pool: ClientPool, side: Side, spec: ClusterSpec, signal: AbortSignal): Promise<void> {
  const res = await pool.sql(spec).query('show backends', signal);
  for (const be of res.rows) {
    const host = mapHost(be.Host ?? '', spec.hostMapping);
    const url = `http://${host}:${be.HttpPort}/api/show_config?conf_item=enable_feature_binlog`;
    let value: string | undefined;
    try {
      const reply = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
      const rows = (await reply.json());
      const row = Array.isArray(rows) && rows.length === 1 && Array.isArray(rows[0]) ? (rows[0] as unknown[]) : undefined;
      value = typeof row?.[2] === 'string' ? row[2] : undefined;
    } catch (err) {
      if (signal.aborted) throw err;
      throw new CcrError('CCR_E0504', `cannot read the config of ${side} BE ${host}:${be.HttpPort} (${errorMessage(err)}); the syncer must reach every BE's HTTP port (use host_mapping for NAT)`, {
        category: 'be',
        disposition: 'retry',
      });
    }
    if (value !== 'true' && value !== '1') {
      throw inputError(`binlog is disabled on ${side} BE ${host}: set enable_feature_binlog=true in be.conf and restart it`);
    }
  }
}

async function dbId(pool: ClientPool, spec: ClusterSpec, signal: AbortSignal): Promise<bigint | undefined> {
  const res = await pool.sql(spec).query("show proc '/dbs/'", signal);
  const row = res.rows.find((r) => r.DbName === spec.database || r.DbName === `default_cluster:${spec.database}`);
  return row?.DbId ? BigInt(row.DbId) : undefined;
}

async function tableId(pool: ClientPool, spec: ClusterSpec, db: bigint, table: string, signal: AbortSignal): Promise<bigint | undefined> {
  const res = await pool.sql(spec).query(`show proc '/dbs/${db}/'`, signal);
  const row = res.rows.find((r) => r.TableName === table);
  return row?.TableId ? BigInt(row.TableId) : undefined;
}

/** Both clusters answer with these credentials and have binlog on every FE and BE; their FE lists. */
async function clusterChecks(pool: ClientPool, spec: JobSpec, signal: AbortSignal): Promise<{ srcFrontends: Frontend[]; destFrontends: Frontend[] }> {
  const src = spec.src;
  const dest = spec.dest;
  const [srcFrontends, destFrontends] = await Promise.all([
    checked('source', src, () => frontends(pool, src, signal)),
    checked('destination', dest, () => frontends(pool, dest, signal)),
  ]);
  await Promise.all([
    checked('source', src, () => checkFeBinlog(pool, 'source', src, signal)),
    checked('destination', dest, () => checkFeBinlog(pool, 'destination', dest, signal)),
  ]);
  await Promise.all([
    checked('source', src, () => checkBeBinlog(pool, 'source', src, signal)),
    checked('destination', dest, () => checkBeBinlog(pool, 'destination', dest, signal)),
  ]);
  return { srcFrontends, destFrontends };
}

/**
 * create_ccr with cluster_sync: the cluster-wide checks only. Each source database is
 * checked when the cluster job creates its child (firstRunChecks), so an empty source
 * cluster, or one whose databases do not have binlog on yet, is accepted.
 */
export async function clusterFirstRunChecks(pool: ClientPool, spec: JobSpec, signal: AbortSignal): Promise<JobSpec> {
  const { srcFrontends, destFrontends } = await clusterChecks(pool, spec, signal);
  return { ...spec, src: { ...spec.src, frontends: srcFrontends }, dest: { ...spec.dest, frontends: destFrontends } };
}

export async function firstRunChecks(pool: ClientPool, spec: JobSpec, signal: AbortSignal): Promise<JobSpec> {
  const src = spec.src;
  const dest = spec.dest;
  const { srcFrontends, destFrontends } = await clusterChecks(pool, spec, signal);

  return checked('source', src, async () => {
    const srcSql = pool.sql(src);
    const dbs = await srcSql.query(`SHOW DATABASES LIKE ${quoteString(src.database)}`, signal);
    if (!dbs.rows.some((r) => r.Database === src.database)) throw inputError(`source database ${src.database} does not exist: check src.database`);
    const enable = `scripts/enable_db_binlog.sh -h ${src.host} -p ${src.port} -u ${src.user} -d ${src.database}`;
    if (spec.kind === 'db') {
      const ddl = await srcSql.query(`SHOW CREATE DATABASE ${quoteIdent(src.database)}`, signal);
      if (!(ddl.rows[0]?.['Create Database'] ?? '').includes(BINLOG_ON)) {
        throw inputError(`binlog is not enabled on source database ${src.database}: run ${enable}`);
      }
    } else {
      const tables = await srcSql.query(`SHOW TABLES FROM ${quoteIdent(src.database)} LIKE ${quoteString(src.table)}`, signal);
      if (tables.rows.length === 0) throw inputError(`source table ${src.database}.${src.table} does not exist: check src.table`);
      const ddl = await srcSql.query(`SHOW CREATE TABLE ${quoteIdent(src.database)}.${quoteIdent(src.table)}`, signal);
      if (!(ddl.rows[0]?.['Create Table'] ?? '').includes(BINLOG_ON)) {
        throw inputError(
          `binlog is not enabled on source table ${src.database}.${src.table}: run ALTER TABLE ${quoteIdent(src.database)}.${quoteIdent(src.table)} SET ("binlog.enable" = "true") or ${enable}`,
        );
      }
    }
    const srcDbId = await dbId(pool, src, signal);
    if (srcDbId === undefined) throw inputError(`source database ${src.database} was not found in show proc '/dbs/'`);
    const srcTableId = spec.kind === 'table' ? await tableId(pool, src, srcDbId, src.table, signal) : 0n;
    if (srcTableId === undefined) throw inputError(`source table ${src.table} was not found in show proc`);

    return checked('destination', dest, async () => {
      const destSql = pool.sql(dest);
      await destSql.exec(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(dest.database)}`, signal);
      const destDbId = await dbId(pool, dest, signal);
      if (destDbId === undefined) throw inputError(`destination database ${dest.database} could not be created or found`);
      let destTableId = 0n;
      if (spec.kind === 'table') {
        const existing = await tableId(pool, dest, destDbId, dest.table, signal);
        if (existing !== undefined && !spec.options.allowTableExists) {
          throw inputError(`destination table ${dest.database}.${dest.table} already exists: drop it, or set "allow_table_exists": true to replace it`);
        }
        destTableId = existing ?? 0n;
      }
      return {
        ...spec,
        src: { ...src, dbId: srcDbId, tableId: srcTableId, frontends: srcFrontends },
        dest: { ...dest, dbId: destDbId, tableId: destTableId, frontends: destFrontends },
      };
    });
  });
}
