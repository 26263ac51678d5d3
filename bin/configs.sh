#!/usr/bin/env bash
# Adds, deletes or describes entity configs (SCRAM users), like Kafka's kafka-configs.sh.
# Usage: bin/configs.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" configs "$@"
