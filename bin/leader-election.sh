#!/usr/bin/env bash
# Elects preferred or unclean leaders (ElectLeaders, KIP-460), like Kafka's kafka-leader-election.sh.
# Usage: bin/leader-election.sh --bootstrap-server HOST:PORT --election-type PREFERRED|UNCLEAN
#          (--topic T --partition P | --all-topic-partitions | --path-to-json-file FILE) [--admin.config FILE]
#   FILE: {"partitions": [{"topic": "t", "partition": 0}]}
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" leader-election "$@"
