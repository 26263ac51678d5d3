#!/usr/bin/env bash
# Kafka's kafka-consumer-perf-test.sh: reads records and prints one CSV row of throughput.
# Same options and output lines as Kafka's tool; run with --help for the option list.
# Builds src/Broker.Perf into .build/perf first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Perf perf)
exec dotnet "$dll" consumer-perf-test "$@"
