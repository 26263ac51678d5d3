#!/usr/bin/env bash
# Prints partition offsets (earliest, latest, max timestamp or by time), like Kafka's kafka-get-offsets.sh.
# Usage: bin/get-offsets.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" get-offsets "$@"
