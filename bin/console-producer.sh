#!/usr/bin/env bash
# Reads lines from standard input and publishes them to a topic, like Kafka's kafka-console-producer.sh.
# Usage: bin/console-producer.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" console-producer "$@"
