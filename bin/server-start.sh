#!/usr/bin/env bash
# Starts one broker, like Kafka's kafka-server-start.sh.
# Usage: bin/server-start.sh [-daemon] CONFIG [--override key=value ...]
#   -daemon   run in the background; output goes to logs/<config name>.out and the pid is printed
# Builds the broker first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2; exit 1; }
daemon=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -daemon|--daemon) daemon=1; shift ;;
    -h|--help) usage ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -ge 1 ] || usage
config="${args[0]}"
[ -f "$config" ] || die "config file '$config' not found"

dll=$(ensure_built Broker.Host broker)
export BROKER_HOME
if [ "$daemon" = 1 ]; then
  logdir="${BROKER_LOG_DIR:-$BROKER_HOME/logs}"
  mkdir -p "$logdir"
  name=$(basename "$config" .properties)
  out="$logdir/$name.out"
  nohup dotnet "$dll" "${args[@]}" >"$out" 2>&1 < /dev/null &
  echo "$!"
  echo "Broker started in the background (pid $!); output in $out" >&2
else
  exec dotnet "$dll" "${args[@]}"
fi
