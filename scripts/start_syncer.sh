#!/usr/bin/env bash
# Starts ccr_syncer with the Go syncer's start_syncer.sh options. Extra daemon flags go after
# "--" (also in the foreground, which the Go script did not forward). Works from any directory.
#
#   start_syncer.sh [--daemon] [--log_level L] [--log_dir DIR] [--db_type sqlite3|mysql]
#                   [--db_dir FILE] [--db_host H] [--db_port P] [--db_user U] [--db_password PW]
#                   [--host H] [--port P] [--pid_dir DIR] [--connect_timeout D] [--rpc_timeout D]
#                   [--pprof B] [--pprof_port P] [-- extra ccr_syncer flags...]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SYNCER_HOME="$(cd "${SCRIPT_DIR}/.." && pwd)"
BIN="${SYNCER_HOME}/bin/ccr_syncer"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<'HELP'

Defaults: --log_dir <home>/log (a path ending in .log is taken as the log file, as in Go),
--db_dir <home>/db/ccr.db, --host 127.0.0.1, --port 9190, --pid_dir <this script's directory>.
The pid file is <pid_dir>/<host>_<port>.pid; a second start of the same host:port is refused.
HELP
}

die() {
  echo "start_syncer.sh: $*" >&2
  exit 1
}

DAEMON=0
LOG_LEVEL="info"
LOG_DIR="${SYNCER_HOME}/log"
DB_TYPE="sqlite3"
DB_DIR="${SYNCER_HOME}/db/ccr.db"
DB_HOST="127.0.0.1"
DB_PORT="3306"
DB_USER=""
DB_PASSWORD=""
HOST="127.0.0.1"
PORT="9190"
PID_DIR="${SCRIPT_DIR}"
CONNECT_TIMEOUT="10s"
RPC_TIMEOUT="30s"
PPROF=""
PPROF_PORT=""
EXTRA=()

set_option() {
  case "$1" in
    log_level) LOG_LEVEL="$2" ;;
    log_dir) LOG_DIR="$2" ;;
    db_type) DB_TYPE="$2" ;;
    db_dir) DB_DIR="$2" ;;
    db_host) DB_HOST="$2" ;;
    db_port) DB_PORT="$2" ;;
    db_user) DB_USER="$2" ;;
    db_password) DB_PASSWORD="$2" ;;
    host) HOST="$2" ;;
    port) PORT="$2" ;;
    pid_dir) PID_DIR="$2" ;;
    connect_timeout) CONNECT_TIMEOUT="$2" ;;
    rpc_timeout) RPC_TIMEOUT="$2" ;;
    pprof) PPROF="$2" ;;
    pprof_port) PPROF_PORT="$2" ;;
    *) die "unknown option --$1 (see --help)" ;;
  esac
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --daemon) DAEMON=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    --*=*) opt="${1%%=*}"; set_option "${opt#--}" "${1#*=}"; shift ;;
    --*)
      [[ $# -ge 2 ]] || die "option $1 needs a value"
      set_option "${1#--}" "$2"
      shift 2
      ;;
    *) die "unexpected argument $1 (see --help)" ;;
  esac
done

[[ -x "${BIN}" ]] || die "${BIN} not found or not executable"
[[ -f "${SYNCER_HOME}/dist/main.js" ]] || die "${SYNCER_HOME}/dist/main.js is missing; run 'npm run build' in ${SYNCER_HOME} first"
if [[ "${DB_TYPE}" == "sqlite3" && -n "${DB_USER}" ]]; then
  die "--db_user is only used with --db_type mysql"
fi

# Relative paths are taken from where the script was called, then made absolute.
abs() { case "$1" in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
PID_DIR="$(abs "${PID_DIR}")"
DB_DIR="$(abs "${DB_DIR}")"
LOG_DIR="$(abs "${LOG_DIR}")"
PID_FILE="${PID_DIR}/${HOST}_${PORT}.pid"

# Is $1 a live ccr_syncer process?
is_syncer() {
  local pid="$1" cmd=""
  kill -0 "${pid}" 2>/dev/null || return 1
  if [[ -r "/proc/${pid}/cmdline" ]]; then
    cmd="$(tr '\0' ' ' <"/proc/${pid}/cmdline")"
  else
    cmd="$(ps -p "${pid}" -o args= 2>/dev/null || true)"
  fi
  [[ "${cmd}" == *ccr_syncer* ]]
}

mkdir -p "${PID_DIR}"
if [[ -f "${PID_FILE}" ]]; then
  old_pid="$(tr -d '[:space:]' <"${PID_FILE}")"
  if [[ -n "${old_pid}" ]] && is_syncer "${old_pid}"; then
    die "ccr_syncer ${HOST}:${PORT} is already running (pid ${old_pid}, ${PID_FILE}); stop it first with stop_syncer.sh"
  fi
  echo "removing stale pid file ${PID_FILE}"
  rm -f "${PID_FILE}"
fi

if [[ "${LOG_DIR}" == *.log ]]; then
  LOG_ARGS=("--log_filename=${LOG_DIR}")
  OUT_DIR="$(dirname "${LOG_DIR}")"
else
  LOG_ARGS=("--log_dir=${LOG_DIR}")
  OUT_DIR="${LOG_DIR}"
fi
mkdir -p "${OUT_DIR}" "$(dirname "${DB_DIR}")"

ARGS=(
  "--host=${HOST}" "--port=${PORT}" "--pid_dir=${PID_DIR}" "--log_level=${LOG_LEVEL}" "${LOG_ARGS[@]}"
  "--db_type=${DB_TYPE}" "--db_dir=${DB_DIR}" "--db_host=${DB_HOST}" "--db_port=${DB_PORT}"
  "--connect_timeout=${CONNECT_TIMEOUT}" "--rpc_timeout=${RPC_TIMEOUT}"
)
[[ -n "${DB_USER}" ]] && ARGS+=("--db_user=${DB_USER}")
# The password goes through the environment so it does not show up in `ps`.
[[ -n "${DB_PASSWORD}" ]] && export CCR_DB_PASSWORD="${DB_PASSWORD}"
[[ -n "${PPROF}" ]] && ARGS+=("--pprof=${PPROF}")
[[ -n "${PPROF_PORT}" ]] && ARGS+=("--pprof_port=${PPROF_PORT}")
ARGS+=(${EXTRA[@]+"${EXTRA[@]}"})

if [[ "${DAEMON}" -eq 0 ]]; then
  echo "$$" >"${PID_FILE}"
  exec "${BIN}" "${ARGS[@]}" --log_also_to_stderr
fi

OUT_FILE="${OUT_DIR}/${HOST}_${PORT}.out"
echo "[$(date '+%Y-%m-%d %H:%M:%S')] start time" >>"${OUT_FILE}"
nohup "${BIN}" "${ARGS[@]}" >>"${OUT_FILE}" 2>&1 </dev/null &
pid=$!
echo "${pid}" >"${PID_FILE}"

# Wait until it answers /version, or report why it died.
deadline=$((SECONDS + ${CCR_START_WAIT_SECONDS:-30}))
while ((SECONDS < deadline)); do
  if ! kill -0 "${pid}" 2>/dev/null; then
    rm -f "${PID_FILE}"
    echo "start_syncer.sh: ccr_syncer exited during start-up; last output (${OUT_FILE}):" >&2
    tail -n 20 "${OUT_FILE}" >&2
    exit 1
  fi
  if [[ "${PORT}" != "0" ]] && command -v curl >/dev/null 2>&1 && curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/version" 2>/dev/null; then
    echo "ccr_syncer ${HOST}:${PORT} started (pid ${pid}); logs in ${OUT_DIR}"
    exit 0
  fi
  if [[ "${PORT}" == "0" ]] || ! command -v curl >/dev/null 2>&1; then
    sleep 1
    kill -0 "${pid}" 2>/dev/null && { echo "ccr_syncer ${HOST}:${PORT} started (pid ${pid}); logs in ${OUT_DIR}"; exit 0; }
    continue
  fi
  sleep 0.2
done
echo "ccr_syncer ${HOST}:${PORT} is running (pid ${pid}) but did not answer /version within ${CCR_START_WAIT_SECONDS:-30}s; check ${OUT_DIR}"
