#!/usr/bin/env bash
# Lists, describes, deletes consumer groups and resets their offsets, like Kafka's kafka-consumer-groups.sh.
# Usage: bin/consumer-groups.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" consumer-groups "$@"
