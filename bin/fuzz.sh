#!/usr/bin/env bash
# Hostile-input mutation fuzzer (issue 12): starts ZooKeeper and one broker, sends seeded mutations of valid request
# frames (every API and version, plus frames captured from real clients) over many connections, checks the broker
# after every batch with a clean round trip and that nothing was appended to a control topic, optionally opens and
# abandons long polls, and compares the broker's RSS and open handles with their baseline at the end.
# Usage: bin/fuzz.sh [--seed N] [--frames N] [--duration 90s|15m|2h] [--abandoned-polls N] [--connections N] ...
#        (run with --help for every option). Exit 0 only when the broker stayed up and returned to its baseline.
# A failing batch's frames are saved under .build/fuzz-failures/. Builds the broker and tests/Broker.Fuzz first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_built Broker.Host broker >/dev/null
out="$BROKER_BUILD_DIR/fuzz"
dotnet build "$BROKER_HOME/tests/Broker.Fuzz/Broker.Fuzz.csproj" -c Release -o "$out" -nologo -v q -clp:ErrorsOnly >&2 \
  || die "build of tests/Broker.Fuzz failed"
exec dotnet "$out/Broker.Fuzz.dll" "$@"
