// Every option of ccr_syncer, declared once: type, default, description, env variable.
// Names and defaults follow the Go syncer's flags (reference §2.1) so operators' scripts
// keep working; options marked "ours" are new in this port.
import type { OptionDef } from './option-types.js';
import { boolOption, durationOption, enumOption, intOption, stringOption } from './option-types.js';

const PORT_EXPECTED = 'an integer 1-65535, or 0 to let the OS choose';
// db_name becomes a quoted identifier in CREATE DATABASE, which cannot be parameterised.
const IDENTIFIER = /^[A-Za-z0-9_$-]{1,64}$/;

const feature = (dflt: boolean, description: string) => boolOption(dflt, { description, group: 'Features' });
const ignored = (description: string) => stringOption('', { description, group: 'Accepted for Go compatibility (no effect)', ignored: true });

const DEFINITIONS = {
  // General
  config_file: stringOption('', {
    description: 'File of key=value lines (# starts a comment) with any of these options. Precedence: command line > environment > config file > defaults.',
    group: 'General',
  }),
  host: stringOption('127.0.0.1', {
    description: 'Syncer identity: host:port is this syncer\'s name in the meta store (jobs.belong_to) and the target of 303 redirects. Set it to an address other syncers and clients can reach.',
    group: 'General',
  }),
  port: intOption(9190, 0, 65535, { description: 'HTTP port of the operator API.', group: 'General', expected: PORT_EXPECTED }),
  listen_host: stringOption('0.0.0.0', {
    description: 'Address the HTTP server binds to (ours; the Go syncer always bound all interfaces).',
    group: 'General',
  }),
  pid_dir: stringOption('', {
    description: 'When set, write <pid_dir>/<host>_<port>.pid at start and remove it at exit.',
    group: 'General',
  }),
  api_token: stringOption('', {
    description: 'Ours. When set, every endpoint except /version and /metrics needs "Authorization: Bearer <token>".',
    group: 'General',
    sensitive: true,
  }),
  shutdown_grace_ms: intOption(30_000, 0, 3_600_000, {
    description: 'Ours. On SIGTERM/SIGINT, how long jobs and requests get to finish before the process is forced to exit.',
    group: 'General',
  }),

  // Metadata store
  db_type: enumOption(['sqlite3', 'mysql'], 'sqlite3', {
    description: 'Metadata store: sqlite3 (one local file) or mysql (shared; needed for several syncers).',
    group: 'Metadata store',
    aliases: { sqlite: 'sqlite3' },
    expected: 'sqlite3 or mysql; postgresql is not supported by this port',
  }),
  db_dir: stringOption('db/ccr.db', {
    description: 'SQLite file (relative paths are resolved from the working directory; the directory is created).',
    group: 'Metadata store',
  }),
  db_host: stringOption('127.0.0.1', { description: 'MySQL host.', group: 'Metadata store' }),
  db_port: intOption(3306, 1, 65535, { description: 'MySQL port.', group: 'Metadata store' }),
  db_user: stringOption('root', { description: 'MySQL user.', group: 'Metadata store' }),
  db_password: stringOption('', { description: 'MySQL password.', group: 'Metadata store', sensitive: true }),
  db_name: stringOption('ccr', {
    description: 'MySQL database holding the syncer tables (created if missing).',
    group: 'Metadata store',
    pattern: IDENTIFIER,
    expected: 'a database name of letters, digits, _, $ or - (at most 64)',
  }),
  db_max_open_conns: intOption(20, 1, 1000, { description: 'MySQL connection pool size.', group: 'Metadata store' }),

  // High availability (MySQL store only; doc/ha.md)
  ha_heartbeat_interval: durationOption('3s', {
    description:
      'Ours. How often a syncer on a MySQL store renews its lease, checks for dead syncers and picks up jobs handed to it (Go: a fixed 5s). At most half of --ha_lease.',
    group: 'High availability',
  }),
  ha_lease: durationOption('10s', {
    description:
      'Ours. A syncer with no heartbeat for this long, by the MySQL server\'s clock, is dead and its jobs move (Go: a fixed 12s). The syncer itself stops writing a safety margin (a fifth, at most 2s) before, measured from its last successful heartbeat.',
    group: 'High availability',
  }),
  ha_rebalance_batch: intOption(2, 0, 1000, {
    description: 'Ours. Jobs the most loaded syncer hands to the least loaded one per heartbeat, so a new syncer gets work (0: never rebalance; Go only moved jobs of dead syncers).',
    group: 'High availability',
  }),

  // Logging
  log_level: enumOption(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info', {
    description: 'Log level.',
    group: 'Logging',
    aliases: { warning: 'warn', panic: 'fatal' },
  }),
  log_dir: stringOption('', {
    description: 'Directory for the JSON log file ccr_syncer.log. Empty: log to stdout only.',
    group: 'Logging',
  }),
  log_filename: stringOption('', {
    description: 'Go-compatible: log file path (wins over log_dir).',
    group: 'Logging',
  }),
  log_also_to_stderr: boolOption(false, {
    description: 'With a log file, also write readable logs to stderr.',
    group: 'Logging',
  }),

  // Doris RPC and job tuning
  connect_timeout: durationOption('10s', { description: 'Connect timeout for FE/BE Thrift and FE MySQL connections.', group: 'Sync tuning' }),
  rpc_timeout: durationOption('30s', { description: 'Timeout of one Thrift RPC (raise it, e.g. 5m, for huge snapshots).', group: 'Sync tuning' }),
  commit_txn_timeout: durationOption('33s', {
    description: 'Timeout of the commitTxn RPC; also how long a DDL waits in silence for earlier loads to become visible before job_status reports it.',
    group: 'Sync tuning',
  }),
  max_ingest_concurrency_per_backend: intOption(48, 1, 10_000, {
    description: 'In-flight ingest_binlog RPCs per destination BE.',
    group: 'Sync tuning',
  }),
  binlog_batch_size: intOption(16, 1, 10_000, { description: 'Binlogs fetched per getBinlog call.', group: 'Sync tuning' }),
  max_pipeline_ingesting_num: intOption(16, 1, 10_000, {
    description: 'UPSERT transactions in flight per job in pipeline mode.',
    group: 'Sync tuning',
  }),
  max_poll_interval_ms: intOption(1000, 10, 3_600_000, {
    description: 'Ours. Longest wait between getBinlog polls of an idle job (a busy job does not wait).',
    group: 'Sync tuning',
  }),

  // Secrets
  secret_key: stringOption('', {
    description: 'Ours. Key (at least 16 characters) to encrypt cluster passwords in job_info (AES-256-GCM). Without it passwords are stored in plaintext, as the Go syncer does.',
    group: 'Secrets',
    sensitive: true,
    minLength: 16,
    expected: 'at least 16 characters',
  }),
  secret_key_file: stringOption('', {
    description: 'Ours. File holding the secret key (surrounding whitespace ignored). Use instead of secret_key.',
    group: 'Secrets',
  }),

  // Features (Go defaults)
  feature_schema_change_partial_sync: feature(true, 'Finished schema change: partial snapshot (replace) instead of drop + full sync.'),
  feature_clean_table_and_partitions: feature(false, 'Restore with clean_tables (DB sync) / clean_partitions.'),
  feature_atomic_restore: feature(true, 'Restore with atomic_restore (destination stays readable).'),
  feature_create_view_drop_exists: feature(true, 'DROP VIEW IF EXISTS before replaying CREATE VIEW.'),
  feature_replace_not_matched_with_alias: feature(true, 'On "signature not matched", restore into an alias table and swap instead of dropping.'),
  feature_filter_shadow_indexes_upsert: feature(true, 'Skip ingest into shadow indexes of pending schema changes/rollups.'),
  feature_cancel_conflict_backup_restore_job: feature(false, 'Cancel running syncer-issued backups before a new backup.'),
  feature_reuse_running_backup_restore_job: feature(true, 'Reuse a running backup/restore issued by this job.'),
  feature_compressed_snapshot: feature(true, 'Compress snapshot meta/job_info on restore when the destination supports it.'),
  feature_skip_rollup_binlogs: feature(false, 'Ignore rollup ALTER_JOB binlogs.'),
  feature_txn_insert: feature(true, 'Support multi-table txn-insert UPSERTs (sub txn ids).'),
  feature_filter_storage_medium: feature(true, 'Strip "storage_medium" from replayed CREATE TABLE.'),
  feature_restore_replace_diff_schema: feature(true, 'Restore with force_replace.'),
  feature_idempotent_ddl: feature(true, 'Inspect the destination before re-applying a DDL whose outcome is unknown.'),
  feature_skip_waiting_txn_publish: feature(true, 'Commit without waiting for publish (wait before any DDL).'),
  feature_skip_check_async_mv_table: feature(true, 'Trust Doris to filter async-MV binlogs.'),
  feature_pipeline_commit: feature(true, 'Pipelined UPSERT ingestion.'),
  feature_seperated_handles: feature(true, 'Per-binlog-type handlers (Go spelling kept).'),
  feature_override_replication_num: feature(true, 'Honour create_ccr replication_num.'),
  // Default on (Go PR #660 defaults off, which leaves the job stuck): see doc/operations.md.
  feature_resync_on_table_recreate: feature(true, 'Table sync: full sync of the new table when the source table is dropped and recreated (off: pause the job).'),

  // Go flags that mean nothing here; accepted so existing command lines still start.
  pprof: ignored('Go pprof server (no Node equivalent).'),
  pprof_port: ignored('Go pprof port.'),
  local_repo_name: ignored('Unused in the Go syncer too.'),
  mysql_max_allowed_packet: ignored('Go MySQL driver packet limit (mysql2 needs none).'),
} satisfies Record<string, OptionDef<unknown>>;

type Definitions = typeof DEFINITIONS;
export type OptionName = keyof Definitions;

/** The parsed options: keys are the flag names; durations are milliseconds. */
export type Config = {
  readonly [K in OptionName]: Definitions[K] extends OptionDef<infer T> ? T : never;
};

export interface NamedOption extends OptionDef<unknown> {
  readonly name: OptionName;
  /** Environment variable name, or null for CLI-only options. */
  readonly env: string | null;
}

function envName(name: string, declared: string | null): string | null {
  return declared === '' ? `CCR_${name.toUpperCase()}` : declared;
}

export const OPTIONS: readonly NamedOption[] = (Object.keys(DEFINITIONS) as OptionName[]).map((name) => {
  const d: OptionDef<unknown> = DEFINITIONS[name];
  return { ...d, name, env: envName(name, d.env) };
});

export const OPTIONS_BY_NAME: ReadonlyMap<string, NamedOption> = new Map(OPTIONS.map((o) => [o.name, o]));

/** All defaults, as a Config. */
export function defaultConfig(): Config {
  return Object.fromEntries(OPTIONS.map((o) => [o.name, o.default])) as Config;
}

/** The feature_* flags, sorted by name (the order /features lists them in). */
export function featureOptions(): NamedOption[] {
  return OPTIONS.filter((o) => o.name.startsWith('feature_')).sort((a, b) => a.name.localeCompare(b.name));
}
