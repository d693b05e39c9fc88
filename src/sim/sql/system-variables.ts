// Default session variables of a Doris FE, as clients read them (`SELECT @@x`, SHOW
// VARIABLES). Doris reports MySQL 5.7.99 as its version; the Doris build is in version_comment.
import type { Value } from '../model/value.js';

/** The MySQL server version Doris announces (handshake, VERSION(), @@version). */
export const DORIS_MYSQL_VERSION = '5.7.99';
/** The Doris build the simulator impersonates. */
export const DORIS_BUILD_VERSION = 'doris-2.1.8-rc01';

function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A fresh map of the default session variables (names lower-case). */
export function defaultSessionVariables(): Map<string, Value> {
  const tz = systemTimeZone();
  return new Map<string, Value>([
    ['version', DORIS_MYSQL_VERSION],
    ['version_comment', `Doris version ${DORIS_BUILD_VERSION}`],
    ['autocommit', 1],
    ['auto_increment_increment', 1],
    ['character_set_client', 'utf8mb4'],
    ['character_set_connection', 'utf8mb4'],
    ['character_set_results', 'utf8mb4'],
    ['character_set_server', 'utf8mb4'],
    ['collation_connection', 'utf8mb4_0900_bin'],
    ['collation_database', 'utf8mb4_0900_bin'],
    ['collation_server', 'utf8mb4_0900_bin'],
    ['enable_insert_strict', 1],
    ['exec_mem_limit', 2147483648n],
    ['init_connect', ''],
    ['insert_timeout', 14400],
    ['interactive_timeout', 3600],
    ['language', '/palo/share/english/'],
    ['license', 'Apache License, Version 2.0'],
    ['lower_case_table_names', 0],
    ['max_allowed_packet', 16777216],
    ['net_buffer_length', 16384],
    ['net_read_timeout', 600],
    ['net_write_timeout', 600],
    ['performance_schema', 0],
    ['query_cache_size', 1048576],
    ['query_cache_type', 0],
    ['query_timeout', 900],
    ['sql_auto_is_null', 0],
    ['sql_mode', 'ONLY_FULL_GROUP_BY'],
    ['sql_select_limit', 9223372036854775807n],
    ['system_time_zone', tz],
    ['time_zone', tz],
    ['transaction_isolation', 'REPEATABLE-READ'],
    ['transaction_read_only', 0],
    ['tx_isolation', 'REPEATABLE-READ'],
    ['tx_read_only', 0],
    ['wait_timeout', 28800],
  ]);
}
