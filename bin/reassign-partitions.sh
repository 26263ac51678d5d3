#!/usr/bin/env bash
# Moves partitions between brokers (partition reassignment, KIP-455), like Kafka's kafka-reassign-partitions.sh.
# Usage: bin/reassign-partitions.sh --zookeeper HOST:PORT
#          (--generate --topics-to-move-json-file FILE --broker-list 1,2,3 [--disable-rack-aware]
#          | --execute --reassignment-json-file FILE [--throttle BYTES_PER_SEC] [--additional]
#          | --verify --reassignment-json-file FILE [--preserve-throttles]
#          | --cancel --reassignment-json-file FILE [--preserve-throttles]
#          | --list)
#   topics FILE:       {"topics":[{"topic":"t"}],"version":1}
#   reassignment FILE: {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2,3]}]}
# The requests go through ZooKeeper (/admin/reassign_partitions), which the controller carries out.
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" reassign-partitions "$@"
