#!/usr/bin/env bash
# Reads records from a topic and prints them to standard output, like Kafka's kafka-console-consumer.sh.
# Usage: bin/console-consumer.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" console-consumer "$@"
