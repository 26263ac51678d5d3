#!/usr/bin/env bash
# Deletes records below the given offsets (moves the partitions' log start), like Kafka's kafka-delete-records.sh.
# Usage: bin/delete-records.sh --bootstrap-server HOST:PORT --offset-json-file FILE
#   FILE: {"partitions": [{"topic": "t", "partition": 0, "offset": 500}], "version": 1}   (offset -1: high watermark)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" delete-records "$@"
