#!/usr/bin/env bash
# Adds, removes or lists ACLs, like Kafka's kafka-acls.sh.
# Usage: bin/acls.sh [options]   (run with --help for the options)
# Builds src/Broker.Cli into .build/cli first when the build is missing or older than the sources.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dll=$(ensure_built Broker.Cli cli)
exec dotnet "$dll" acls "$@"
