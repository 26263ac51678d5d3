#!/usr/bin/env bash
# Jepsen-style fault-injection suite: ZooKeeper and three brokers each in its own network namespace on a bridge
# (10.77.0.0/24), real partitions (iptables DROP), SIGSTOP/SIGCONT, kill -9; idempotent librdkafka and kafkajs
# producers, a committing consumer group, a final read and the checks (see tests/Broker.FaultSuite).
# Usage: bin/fault-test.sh [--scenario NAME]... [--rounds N] [--ci]
#   no scenario: the whole matrix, and docs/reliability.md is rewritten; --ci: the short set (one round each).
# Environment: FAULT_RATE (records/s per producer, default 60), FAULT_RDKAFKA_DEBUG (librdkafka debug contexts).
# Evidence (broker/ZooKeeper logs, data, acks, reads, client logs, results.json) stays in .build/fault-runs/<time>/.
# Needs root (network namespaces, iptables). Namespaces, veths and the bridge are removed on exit, also on failure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$BROKER_HOME"

BRIDGE=kbr0
NAMESPACES=(kn1 kn2 kn3 kn10 kn11 kn12)
args=("$@")
full=1
for a in "$@"; do case "$a" in --scenario|--ci) full=0 ;; esac; done

teardown() {
  for ns in "${NAMESPACES[@]}"; do
    # Processes still in a namespace (a crashed run) are ours: end them by pid before deleting it.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
    ip link del "v$ns" 2>/dev/null
  done
  ip link del "$BRIDGE" 2>/dev/null
  # tmpfs log directories of the disk-full scenario, if a crashed run left them mounted.
  grep -o " $BROKER_BUILD_DIR/fault-runs/[^ ]*" /proc/mounts 2>/dev/null | xargs -r -n1 umount -l 2>/dev/null
  [ -n "${suite_copy:-}" ] && rm -rf "$suite_copy"
  return 0
}

setup() {
  ip link add "$BRIDGE" type bridge && ip link set "$BRIDGE" up && ip addr add 10.77.0.254/24 dev "$BRIDGE" || return 1
  for ns in "${NAMESPACES[@]}"; do
    local n=${ns#kn}
    ip netns add "$ns" \
      && ip link add "v$ns" type veth peer name "v${ns}p" \
      && ip link set "v${ns}p" netns "$ns" && ip link set "v$ns" master "$BRIDGE" && ip link set "v$ns" up \
      && ip netns exec "$ns" ip addr add "10.77.0.$n/24" dev "v${ns}p" \
      && ip netns exec "$ns" ip link set "v${ns}p" up && ip netns exec "$ns" ip link set lo up || return 1
  done
}

command -v iptables >/dev/null 2>&1 || { echo "fault-test: FAIL: iptables is not installed (bin/install-deps.sh installs it)"; exit 1; }
command -v node >/dev/null 2>&1 || { echo "fault-test: FAIL: node is not installed (needed for the kafkajs producer)"; exit 1; }
if [ ! -d tests/Broker.FaultSuite/js/node_modules/kafkajs ]; then
  (cd tests/Broker.FaultSuite/js && npm install --no-audit --no-fund --loglevel=error >/dev/null) \
    || { echo "fault-test: FAIL: npm install of kafkajs 2.2.4 failed"; exit 1; }
fi

ensure_built Broker.Host broker >/dev/null || { echo "fault-test: FAIL: broker build failed"; exit 1; }
dotnet build tests/Broker.FaultSuite/Broker.FaultSuite.csproj -c Release -nologo -v q -clp:ErrorsOnly >/dev/null \
  || { echo "fault-test: FAIL: build of tests/Broker.FaultSuite failed"; exit 1; }

teardown   # leftovers of an earlier, killed run
trap teardown EXIT
trap 'exit 130' INT TERM
if ! err=$(setup 2>&1); then
  echo "fault-test: FAIL: network namespaces cannot be set up here (root and ip netns/veth/bridge needed): ${err//$'\n'/ }"
  exit 1
fi

report=()
[ "$full" = 1 ] && report=(--report "$BROKER_HOME/docs/reliability.md")
# Run a copy, so that rebuilding the suite during a long run does not pull files from under it.
suite_copy=$(mktemp -d /tmp/fault-suite.XXXXXX)
cp -r tests/Broker.FaultSuite/bin/Release/net10.0/. "$suite_copy/"
BROKER_HOME="$BROKER_HOME" BROKER_COMMIT=$(git -C "$BROKER_HOME" rev-parse --short HEAD 2>/dev/null || echo unknown) \
  dotnet "$suite_copy/Broker.FaultSuite.dll" "${args[@]}" "${report[@]}"
