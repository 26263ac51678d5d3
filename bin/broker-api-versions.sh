#!/usr/bin/env bash
# Prints the API versions each broker supports, like Kafka's kafka-broker-api-versions.sh.
# Usage: bin/broker-api-versions.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" broker-api-versions "$@"
