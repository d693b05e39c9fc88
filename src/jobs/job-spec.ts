// The persisted definition of a job and its job_info JSON codec. job_info keeps the Go
// syncer's V25 keys (name, id, sync_type, src, dest, state, extra) so a Go syncer and this
// one can read each other's rows; keys of ours are added beside them (see doc/architecture.md).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CcrError } from '../errors/ccr-error.js';
import type { JsonBigValue } from '../util/json-big.js';
import { parseJsonBig, stringifyJsonBig } from '../util/json-big.js';
import type { ClusterSyncOptions, ParentLink } from './cluster-sync-options.js';
import { DEFAULT_CHILD_NAME_TEMPLATE, encodeClusterSyncOptions, encodeParentLink, validateClusterSyncOptions } from './cluster-sync-options.js';
import { invalidJobRequest, JobErrorCode, missingJobField } from './job-errors.js';
import type { PasswordCipher } from './password-cipher.js';

/**
 * db: one database; table: one table; cluster: every database of a cluster, through one
 * child db job per database (src/cluster/).
 */
export type JobKind = 'db' | 'table' | 'cluster';
export type JobState = 'running' | 'paused';

export interface Frontend {
  readonly host: string;
  readonly port: number;
  readonly thriftPort: number;
  readonly isMaster: boolean;
}

/** One side of a job (Go `base.Spec`). Passwords are plaintext in memory, never logged. */
export interface ClusterSpec {
  /** FE host for SQL (MySQL protocol) and the first Thrift address. */
  readonly host: string;
  /** FE MySQL query port. */
  readonly port: number;
  /** FE Thrift RPC port. */
  readonly thriftPort: number;
  readonly user: string;
  readonly password: string;
  /** Legacy Doris cluster name, passed to getMasterToken/getBackendMeta. */
  readonly cluster: string;
  readonly database: string;
  /** '' for database jobs. */
  readonly table: string;
  /** 0n until the engine resolves it. */
  readonly dbId: bigint;
  readonly tableId: bigint;
  /** FE list found at creation; the Thrift failover list. */
  readonly frontends: readonly Frontend[];
  /** private address → public address, for clusters reached through NAT. */
  readonly hostMapping: Readonly<Record<string, string>>;
}

/** An operator request to skip binlogs (V25 /job_skip_binlog, /force_fullsync). */
export type SkipIntent =
  | { readonly by: 'silence'; readonly commitSeq: bigint }
  | { readonly by: 'fullsync' }
  | { readonly by: 'partialsync'; readonly table: string; readonly tableId: bigint };

export interface JobOptions {
  /** V24: on an UPSERT rollback, skip the binlog instead of retrying (data loss). */
  readonly skipError: boolean;
  /** Table sync: the destination table may already exist (the full sync replaces it). */
  readonly allowTableExists: boolean;
  /** Use the upstream load label as the destination txn label. */
  readonly reuseBinlogLabel: boolean;
  /** -1: inherit the source replica count; >0: fixed replica count on the destination. */
  readonly replicationNum: number;
}

export interface JobSpec {
  readonly name: string;
  /** md5(name + src + dest) as the Go syncer computes it; used in labels. */
  readonly id: string;
  readonly kind: JobKind;
  readonly src: ClusterSpec;
  readonly dest: ClusterSpec;
  readonly state: JobState;
  /** Why the job is paused when the syncer (not an operator) paused it. */
  readonly pausedReason: string | undefined;
  readonly options: JobOptions;
  /** A pending skip request; the runner clears it once it took effect. */
  readonly skip: SkipIntent | undefined;
  /** Set on the database jobs a cluster job created: their cluster job and source database. */
  readonly parent: ParentLink | undefined;
  /** Set on cluster jobs only. */
  readonly cluster: ClusterSyncOptions | undefined;
}

/** The cluster part of a create_ccr request, validated by the HTTP layer. */
export interface ClusterInput {
  readonly host: string;
  readonly port: number;
  readonly thriftPort: number;
  readonly user: string;
  readonly password: string;
  readonly cluster: string;
  readonly database: string;
  readonly table: string;
  readonly hostMapping: Readonly<Record<string, string>>;
}

export interface CreateJobRequest {
  readonly name: string;
  readonly src: ClusterInput;
  readonly dest: ClusterInput;
  readonly options: JobOptions;
  /** A cluster job (create_ccr with cluster_sync): src/dest name no database or table. */
  readonly cluster?: ClusterSyncOptions;
  /** A child database job created by the cluster job `parent.job`. */
  readonly parent?: ParentLink;
}

export const DEFAULT_JOB_OPTIONS: JobOptions = { skipError: false, allowTableExists: false, reuseBinlogLabel: false, replicationNum: -1 };

const NAME_PATTERN = /^[^\s/\\\p{Cc}]{1,256}$/u;

/** Checks what create_ccr needs beyond field types; throws an input CcrError naming the field. */
export function newJobSpec(req: CreateJobRequest): JobSpec {
  if (!NAME_PATTERN.test(req.name)) {
    throw invalidJobRequest('name', 'must be 1-256 characters without spaces, slashes or control characters');
  }
  if (req.cluster) {
    for (const field of ['src.database', 'dest.database', 'src.table', 'dest.table'] as const) {
      const [side, key] = field.split('.') as ['src' | 'dest', 'database' | 'table'];
      if (req[side][key] !== '') {
        throw invalidJobRequest(field, 'must be empty when cluster_sync is true (the cluster job creates one database job per source database)');
      }
    }
    if (req.parent) throw invalidJobRequest('cluster_sync', 'a child of a cluster job cannot be a cluster job');
    validateClusterSyncOptions(req.cluster);
  } else {
    for (const field of ['src.database', 'dest.database'] as const) {
      if (req[field === 'src.database' ? 'src' : 'dest'].database.trim() === '') {
        throw missingJobField(field, 'the database to replicate (leave it empty only with "cluster_sync": true)');
      }
    }
  }
  if ((req.src.table === '') !== (req.dest.table === '')) {
    throw invalidJobRequest(
      req.src.table === '' ? 'src.table' : 'dest.table',
      'set src.table and dest.table both (table sync) or neither (database sync)',
    );
  }
  if (req.options.replicationNum === 0 || req.options.replicationNum < -1) {
    throw invalidJobRequest('replication_num', 'must be -1 (inherit the source replica count) or a positive number');
  }
  const side = (c: ClusterInput): ClusterSpec => ({ ...c, dbId: 0n, tableId: 0n, frontends: [] });
  const src = side(req.src);
  const dest = side(req.dest);
  return {
    name: req.name,
    id: jobId(req.name, src, dest),
    kind: req.cluster ? 'cluster' : src.table === '' ? 'db' : 'table',
    src,
    dest,
    state: 'running',
    pausedReason: undefined,
    options: req.options,
    skip: undefined,
    parent: req.parent,
    cluster: req.cluster,
  };
}

function goSpecString(s: ClusterSpec): string {
  return `host: ${s.host}, port: ${s.port}, thrift_port: ${s.thriftPort}, user: ${s.user}, cluster: ${s.cluster}, database: ${s.database}, database id: ${s.dbId}, table: ${s.table}, table id: ${s.tableId}`;
}

function jobId(name: string, src: ClusterSpec, dest: ClusterSpec): string {
  return createHash('md5').update(name + goSpecString(src) + goSpecString(dest)).digest('hex');
}

const SYNC_TYPE: Record<JobKind, number> = { db: 0, table: 1, cluster: 2 };

type PasswordMode = { kind: 'seal'; cipher: PasswordCipher } | { kind: 'redact' };

function encodeCluster(s: ClusterSpec, mode: PasswordMode): Record<string, JsonBigValue> {
  const password = mode.kind === 'seal' ? mode.cipher.seal(s.password) : s.password === '' ? '' : '******';
  const master = s.frontends.find((f) => f.isMaster);
  return {
    host: s.host,
    port: String(s.port),
    thrift_port: String(s.thriftPort),
    is_master: master !== undefined && master.host === s.host,
    frontends: s.frontends.map((f) => ({ host: f.host, port: String(f.port), thrift_port: String(f.thriftPort), is_master: f.isMaster })),
    user: s.user,
    password,
    cluster: s.cluster,
    database: s.database,
    db_id: s.dbId,
    table: s.table,
    table_id: s.tableId,
    host_mapping: { ...s.hostMapping },
  };
}

function encodeObject(spec: JobSpec, mode: PasswordMode): Record<string, JsonBigValue> {
  const extra: Record<string, JsonBigValue> = {};
  if (spec.options.reuseBinlogLabel) extra.reuse_binlog_label = true;
  if (spec.skip) {
    extra.skip_binlog = true;
    extra.skip_by = spec.skip.by;
    if (spec.skip.by === 'silence') extra.skip_commit_seq = spec.skip.commitSeq;
    if (spec.skip.by === 'partialsync') {
      extra.skip_table = spec.skip.table;
      extra.skip_table_id = spec.skip.tableId;
    }
  }
  const out: Record<string, JsonBigValue> = {
    name: spec.name,
    id: spec.id,
    sync_type: SYNC_TYPE[spec.kind],
    src: encodeCluster(spec.src, mode),
    dest: encodeCluster(spec.dest, mode),
    state: spec.state === 'running' ? 0 : 1,
    extra,
    skip_error: spec.options.skipError,
    kind: spec.kind,
    allow_table_exists: spec.options.allowTableExists,
    replication_num: spec.options.replicationNum,
  };
  if (spec.pausedReason !== undefined) out.paused_reason = spec.pausedReason;
  if (spec.parent) out.parent = encodeParentLink(spec.parent);
  if (spec.cluster) out.cluster_sync = encodeClusterSyncOptions(spec.cluster);
  return out;
}

/** The job_info text to store; passwords sealed by `cipher`. */
export function encodeJobInfo(spec: JobSpec, cipher: PasswordCipher): string {
  return stringifyJsonBig(encodeObject(spec, { kind: 'seal', cipher }));
}

/** job_info as /job_detail shows it: the stored keys with every non-empty password as "******". */
export function publicJobInfo(spec: JobSpec): Record<string, JsonBigValue> {
  return encodeObject(spec, { kind: 'redact' });
}

const int64 = z.union([z.number().int(), z.bigint()]).transform((v) => BigInt(v));
const port = z
  .union([z.string(), z.number()])
  .transform((v) => Number(v))
  .refine((v) => Number.isInteger(v) && v >= 0 && v <= 65535, 'a port number 0-65535');

const storedFrontend = z.object({ host: z.string(), port, thrift_port: port, is_master: z.boolean().optional() });
const storedCluster = z.object({
  host: z.string(),
  port,
  thrift_port: port,
  frontends: z.array(storedFrontend).nullish(),
  user: z.string(),
  password: z.string().default(''),
  cluster: z.string().default(''),
  database: z.string(),
  db_id: int64.default(0n),
  table: z.string().default(''),
  table_id: int64.default(0n),
  host_mapping: z.record(z.string(), z.string()).nullish(),
});
const storedJob = z.object({
  name: z.string().min(1),
  id: z.string().optional(),
  sync_type: z.number().int().optional(),
  kind: z.enum(['db', 'table', 'cluster']).optional(),
  src: storedCluster,
  dest: storedCluster,
  state: z.union([z.literal(0), z.literal(1)]).default(0),
  extra: z
    .object({
      reuse_binlog_label: z.boolean().optional(),
      skip_binlog: z.boolean().optional(),
      skip_by: z.string().optional(),
      skip_commit_seq: int64.optional(),
      skip_table: z.string().optional(),
      skip_table_id: int64.optional(),
    })
    .nullish(),
  skip_error: z.boolean().optional(),
  allow_table_exists: z.boolean().optional(),
  replication_num: z.number().int().optional(),
  paused_reason: z.string().optional(),
  parent: z.object({ job: z.string().min(1), database: z.string(), db_id: int64 }).optional(),
  cluster_sync: z
    .object({
      include_databases: z.array(z.string()).default([]),
      exclude_databases: z.array(z.string()).default([]),
      child_name_template: z.string().default(DEFAULT_CHILD_NAME_TEMPLATE),
      monitor_interval_seconds: z.number().int().positive().optional(),
      on_database_dropped: z.enum(['delete', 'pause']).default('delete'),
    })
    .optional(),
});

type StoredCluster = z.infer<typeof storedCluster>;
type StoredJob = z.infer<typeof storedJob>;

/**
 * Parses a stored job_info (ours or the Go syncer's). Throws a CcrError when the text is not a
 * job_info or a password cannot be decrypted; the message names the job and the fix.
 */
export function decodeJobInfo(text: string, cipher: PasswordCipher, rowName: string): JobSpec {
  let raw: JsonBigValue;
  try {
    raw = parseJsonBig(text);
  } catch (err) {
    throw corrupt(rowName, `not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = storedJob.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(rowName, `${issue?.path.join('.') || 'job_info'}: ${issue?.message ?? 'invalid'}`);
  }
  const j = parsed.data;
  const cluster = (c: StoredCluster, side: string): ClusterSpec => ({
    host: c.host,
    port: c.port,
    thriftPort: c.thrift_port,
    user: c.user,
    password: cipher.open(c.password, `the password of job ${rowName} ${side}`),
    cluster: c.cluster,
    database: c.database,
    table: c.table,
    dbId: c.db_id,
    tableId: c.table_id,
    frontends: (c.frontends ?? []).map((f) => ({ host: f.host, port: f.port, thriftPort: f.thrift_port, isMaster: f.is_master ?? false })),
    hostMapping: c.host_mapping ?? {},
  });
  const src = cluster(j.src, 'src');
  const dest = cluster(j.dest, 'dest');
  const kind = j.kind ?? (j.sync_type === 2 ? 'cluster' : src.table === '' ? 'db' : 'table');
  const c = j.cluster_sync;
  return {
    name: j.name,
    id: j.id !== undefined && j.id !== '' ? j.id : jobId(j.name, src, dest),
    kind,
    src,
    dest,
    state: j.state === 0 ? 'running' : 'paused',
    pausedReason: j.paused_reason,
    options: {
      skipError: j.skip_error ?? false,
      allowTableExists: j.allow_table_exists ?? false,
      reuseBinlogLabel: j.extra?.reuse_binlog_label ?? false,
      replicationNum: j.replication_num ?? -1,
    },
    skip: decodeSkip(j),
    parent: j.parent && { job: j.parent.job, database: j.parent.database, dbId: j.parent.db_id },
    cluster:
      kind === 'cluster'
        ? {
            includeDatabases: c?.include_databases ?? [],
            excludeDatabases: c?.exclude_databases ?? [],
            childNameTemplate: c?.child_name_template ?? DEFAULT_CHILD_NAME_TEMPLATE,
            monitorIntervalSeconds: c?.monitor_interval_seconds,
            onDatabaseDropped: c?.on_database_dropped ?? 'delete',
          }
        : undefined,
  };
}

function decodeSkip(j: StoredJob): SkipIntent | undefined {
  const e = j.extra;
  if (!e?.skip_binlog) return undefined;
  switch (e.skip_by?.toLowerCase() ?? '') {
    case 'silence':
      return { by: 'silence', commitSeq: e.skip_commit_seq ?? 0n };
    case 'fullsync':
      return { by: 'fullsync' };
    case 'partialsync':
      return { by: 'partialsync', table: e.skip_table ?? '', tableId: e.skip_table_id ?? 0n };
    default:
      return undefined;
  }
}

function corrupt(name: string, why: string): CcrError {
  return new CcrError(
    JobErrorCode.CORRUPT_JOB_INFO,
    `stored job_info of job ${name} is invalid: ${why}; fix the row in the meta store or /delete and recreate the job`,
    { category: 'meta-store', disposition: 'pause' },
  );
}
