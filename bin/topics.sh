#!/usr/bin/env bash
# Creates, deletes, describes or changes topics, like Kafka's kafka-topics.sh.
# Usage: bin/topics.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" topics "$@"
