#!/usr/bin/env bash
# Stops ccr_syncer processes by their pid files, with the Go syncer's stop_syncer.sh options.
# Unlike the Go script (kill -9), it stops gracefully: SIGTERM, wait for the syncer to finish
# its jobs' current steps and exit, and only after --timeout seconds fall back to SIGKILL.
#
#   stop_syncer.sh [--pid_dir DIR] [--host H --port P | --files "a.pid b.pid"] [--timeout SECONDS]
#
# With --host and --port: stop <pid_dir>/<host>_<port>.pid. With --files: those pid files.
# Otherwise every *.pid in pid_dir. Default pid_dir: this script's directory.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() {
  echo "stop_syncer.sh: $*" >&2
  exit 1
}

PID_DIR="${SCRIPT_DIR}"
HOST=""
PORT=""
FILES=""
TIMEOUT=30

set_option() {
  case "$1" in
    pid_dir) PID_DIR="$2" ;;
    host) HOST="$2" ;;
    port) PORT="$2" ;;
    files) FILES="$2" ;;
    timeout) TIMEOUT="$2" ;;
    *) die "unknown option --$1 (see --help)" ;;
  esac
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*=*) opt="${1%%=*}"; set_option "${opt#--}" "${1#*=}"; shift ;;
    --*)
      [[ $# -ge 2 ]] || die "option $1 needs a value"
      set_option "${1#--}" "$2"
      shift 2
      ;;
    *) die "unexpected argument $1 (see --help)" ;;
  esac
done
[[ "${TIMEOUT}" =~ ^[0-9]+$ ]] || die "--timeout must be a number of seconds"

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

if [[ -n "${HOST}" && -n "${PORT}" ]]; then
  files=("${HOST}_${PORT}.pid")
elif [[ -n "${FILES}" ]]; then
  read -r -a files <<<"${FILES}"
else
  shopt -s nullglob
  files=()
  for f in "${PID_DIR}"/*.pid; do files+=("$(basename "${f}")"); done
  [[ ${#files[@]} -gt 0 ]] || { echo "no pid files in ${PID_DIR}"; exit 0; }
fi

rc=0
for name in "${files[@]}"; do
  pid_file="${PID_DIR}/${name}"
  if [[ ! -f "${pid_file}" ]]; then
    echo "pid file ${pid_file} not found" >&2
    rc=1
    continue
  fi
  pid="$(tr -d '[:space:]' <"${pid_file}")"
  if [[ -z "${pid}" ]] || ! kill -0 "${pid}" 2>/dev/null; then
    echo "ccr_syncer of ${name} is not running; removing the stale pid file"
    rm -f "${pid_file}"
    continue
  fi
  if ! is_syncer "${pid}"; then
    echo "process ${pid} of ${pid_file} is not a ccr_syncer; leaving it alone" >&2
    rc=1
    continue
  fi
  echo "stopping ccr_syncer pid ${pid} (${name}) ..."
  kill -TERM "${pid}"
  deadline=$((SECONDS + TIMEOUT))
  while kill -0 "${pid}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "${pid}" 2>/dev/null; then
    echo "ccr_syncer pid ${pid} did not stop within ${TIMEOUT}s; sending SIGKILL" >&2
    kill -KILL "${pid}" 2>/dev/null || true
    while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
    rc=1
  else
    echo "ccr_syncer pid ${pid} stopped"
  fi
  rm -f "${pid_file}"
done
exit "${rc}"
