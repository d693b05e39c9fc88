#!/usr/bin/env bash
# Enables binlog on a Doris database and every table in it (needed for a database-level CCR
# job), with the `mysql` client, as the Go syncer's enable_db_binlog.sh does.
#
#   enable_db_binlog.sh -h host -p port -u user -P password -d db
#   enable_db_binlog.sh --host host --port port --user user --password password --db db
#
# Defaults: host 127.0.0.1, port 9030, user root, empty password. If the database already
# has "binlog.enable" = "true", nothing is done.
set -euo pipefail

die() {
  echo "enable_db_binlog.sh: $*" >&2
  exit 1
}

HOST="127.0.0.1"
PORT="9030"
USER_NAME="root"
PASSWORD=""
DB=""
TTL_SECONDS="${BINLOG_TTL_SECONDS:-86400}"

while [[ $# -gt 0 ]]; do
  opt="$1"
  value=""
  case "${opt}" in
    --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*=*) value="${opt#*=}"; opt="${opt%%=*}"; shift ;;
    -h | -p | -u | -P | -d | --host | --port | --user | --password | --db)
      [[ $# -ge 2 ]] || die "option ${opt} needs a value"
      value="$2"
      shift 2
      ;;
    *) die "unknown option ${opt} (see --help)" ;;
  esac
  case "${opt}" in
    -h | --host) HOST="${value}" ;;
    -p | --port) PORT="${value}" ;;
    -u | --user) USER_NAME="${value}" ;;
    -P | --password) PASSWORD="${value}" ;;
    -d | --db) DB="${value}" ;;
    *) die "unknown option ${opt} (see --help)" ;;
  esac
done

[[ -n "${DB}" ]] || die "the database is required: -d <db> (or --db <db>)"
MYSQL_BIN="$(command -v mysql || command -v mariadb || true)"
[[ -n "${MYSQL_BIN}" ]] || die "the mysql client is not installed (Debian: apt-get install default-mysql-client)"

# The password travels in MYSQL_PWD so it does not show up in `ps`.
export MYSQL_PWD="${PASSWORD}"
run_sql() {
  "${MYSQL_BIN}" -h "${HOST}" -P "${PORT}" -u "${USER_NAME}" -N -B -e "$1"
}
quote() { printf '`%s`' "${1//\`/\`\`}"; }

DB_Q="$(quote "${DB}")"
ENABLED='"binlog.enable" = "true"'

create_db="$(run_sql "SHOW CREATE DATABASE ${DB_Q}")" || die "cannot read database ${DB} on ${HOST}:${PORT}"
if [[ "${create_db}" == *"${ENABLED}"* ]]; then
  echo "binlog is already enabled on database ${DB}"
  exit 0
fi

PROPS="\"binlog.enable\" = \"true\", \"binlog.ttl_seconds\" = \"${TTL_SECONDS}\""
enabled=0
while IFS=$'\t' read -r table kind; do
  [[ -n "${table}" ]] || continue
  [[ "${kind}" == "VIEW" ]] && continue
  table_q="$(quote "${table}")"
  create_table="$(run_sql "SHOW CREATE TABLE ${DB_Q}.${table_q}")"
  [[ "${create_table}" == *"${ENABLED}"* ]] && continue
  echo "enabling binlog on ${DB}.${table}"
  run_sql "ALTER TABLE ${DB_Q}.${table_q} SET (${PROPS})"
  enabled=$((enabled + 1))
done < <(run_sql "SHOW FULL TABLES FROM ${DB_Q}")

run_sql "ALTER DATABASE ${DB_Q} SET PROPERTIES (${PROPS})"
echo "binlog enabled on database ${DB} (${enabled} table(s) altered)"
