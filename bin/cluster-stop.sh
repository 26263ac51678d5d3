#!/usr/bin/env bash
# Stops the local cluster started by bin/cluster-start.sh: the brokers first (gracefully), then ZooKeeper.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$BROKER_HOME"
configs=("$@"); [ ${#configs[@]} -gt 0 ] || configs=(server-1.properties server-2.properties server-3.properties)
for c in "${configs[@]}"; do bash bin/server-stop.sh "$c" 2>/dev/null || true; done
bash bin/zookeeper-server-stop.sh "$(pwd)/config/zookeeper.properties" 2>/dev/null || true
echo "Cluster stopped"
