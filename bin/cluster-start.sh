#!/usr/bin/env bash
# The one-command local cluster: ZooKeeper (config/zookeeper.properties) plus the three brokers of
# server-1.properties … server-3.properties, as the guide's multi-broker setup. Installs ZooKeeper when missing,
# builds the broker when needed, waits until every broker is registered and a controller is elected, then prints the
# bootstrap servers. Stop it with bin/cluster-stop.sh.
# Usage: bin/cluster-start.sh [--zookeeper-config FILE] [BROKER_CONFIG ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$BROKER_HOME"
zkconfig="config/zookeeper.properties"
configs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --zookeeper-config) zkconfig="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) configs+=("$1"); shift ;;
  esac
done
[ ${#configs[@]} -gt 0 ] || configs=(server-1.properties server-2.properties server-3.properties)

prop() { sed -n "s/^[[:space:]]*$1[[:space:]]*[=:][[:space:]]*//p" "$2" | tail -1 | sed 's/[[:space:]]*#.*$//'; }
zkport=$(prop clientPort "$zkconfig"); zkport=${zkport:-2181}
# 'srvr' is the four-letter word ZooKeeper 3.8 allows by default; a serving server answers with its "Mode:".
zk_up() { (exec 3<>/dev/tcp/127.0.0.1/"$zkport" && printf 'srvr' >&3 && timeout 2 cat <&3 | grep -q '^Mode:') 2>/dev/null; }

dll=$(ensure_built Broker.Host broker)
if zk_up; then
  echo "ZooKeeper already running on port $zkport" >&2
else
  bash "$BROKER_HOME/bin/zookeeper-server-start.sh" -daemon "$zkconfig" >/dev/null
  for _ in $(seq 1 300); do zk_up && break; sleep 0.1; done
  zk_up || die "ZooKeeper did not start on port $zkport; see logs/zookeeper.out"
fi

for c in "${configs[@]}"; do
  if pgrep -f "Broker\.Host\.dll $c" >/dev/null 2>&1; then echo "broker $c already running" >&2; continue; fi
  bash "$BROKER_HOME/bin/server-start.sh" -daemon "$c" >/dev/null
done
ids=$(for c in "${configs[@]}"; do prop broker.id "$c"; done | paste -sd, -)
connect=$(prop zookeeper.connect "${configs[0]}")
export BROKER_HOME
dotnet "$dll" cluster-status --zookeeper "$connect" --expect-brokers "$ids" --wait-seconds 90 || die "the cluster did not come up; see logs/*.out"
servers=$(for c in "${configs[@]}"; do prop listeners "$c" | sed 's#^[A-Z_]*://##; s#^:#localhost:#'; done | paste -sd, -)
echo "Bootstrap servers: $servers"
