#!/usr/bin/env bash
# Installs what running and testing the broker needs beyond the .NET SDK (Debian/Ubuntu, as root or with sudo):
# ZooKeeper 3.8 (Java), kcat, Debian's Python Kafka clients with compression codecs, iperf3 (benchmark), iptables (bin/fault-test.sh partitions), and the
# PowerShell dotnet tool (for the .ps1 twins' tests, in .tools/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# mount: bin/fault-test.sh's disk-full scenario mounts a tmpfs (named because it is only a Recommends of some packages).
pkgs=(zookeeper kcat python3-kafka python3-confluent-kafka python3-snappy python3-lz4 python3-zstandard iperf3 procps iptables mount)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} ..." >&2
  $sudo apt-get update -qq
  # Without Recommends: on a bare Debian they add ~80 packages none of this uses (systemd, dbus, GTK and X11 libraries
  # pulled in through Java's, psmisc, nftables), which cost CI time.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -x "$BROKER_HOME/.tools/pwsh" ]; then
  dotnet tool install PowerShell --version 7.6.9 --tool-path "$BROKER_HOME/.tools" >/dev/null || echo "warning: PowerShell tool not installed" >&2
fi
# kafkajs 2.2.4 (npm, pinned by tests/Broker.FaultSuite/js/package-lock.json) for the kafkajs tests: without it the
# integration tests that drive kafkajs (TLS, SASL, sequence reuse) are skipped, not run.
if [ ! -d "$BROKER_HOME/tests/Broker.FaultSuite/js/node_modules/kafkajs" ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd "$BROKER_HOME/tests/Broker.FaultSuite/js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
      || echo "warning: npm ci of kafkajs failed; the kafkajs tests will be skipped" >&2
  else
    echo "warning: npm not found; the kafkajs tests will be skipped" >&2
  fi
fi
