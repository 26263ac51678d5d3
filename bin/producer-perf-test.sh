#!/usr/bin/env bash
# Kafka's kafka-producer-perf-test.sh: sends records and prints throughput and latency.
# Same options and output lines as Kafka's tool; run with --help for the option list.
# Builds src/Broker.Perf into .build/perf first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Perf perf)
exec dotnet "$dll" producer-perf-test "$@"
