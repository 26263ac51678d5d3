#!/usr/bin/env bash
# Decodes log segment, index, time index and producer snapshot files offline, like Kafka's kafka-dump-log.sh.
# Usage: bin/dump-log.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" dump-log "$@"
