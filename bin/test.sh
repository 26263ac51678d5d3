#!/usr/bin/env bash
# Runs every test of the solution (unit, real-socket, real-client, real-ZooKeeper) and prints one summary line
# "N passed, N failed" at the end. Exit status is non-zero when a test failed or the build broke.
# Usage: bin/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Storage]
# Installs missing test dependencies first (bin/install-deps.sh; set BROKER_SKIP_DEPS=1 to skip).
# BROKER_FAULT_TESTS=1 (as root) adds the short fault-injection set (bin/fault-test.sh --ci, ~5 min) as one test.
# BROKER_CONFORMANCE_TESTS=1 (as root) adds librdkafka's own tests 0001 0002 0005 0012 0013 against one broker
# (bin/conformance.sh --ci: Debian's source package, gcc, about 1 min) as one test.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$BROKER_HOME"
# The tests drive real ZooKeeper, kcat, Debian's Python clients and PowerShell: install whatever is missing.
if [ "${BROKER_SKIP_DEPS:-0}" != 1 ]; then
  bash "$BROKER_HOME/bin/install-deps.sh" || { echo "installing the test dependencies failed"; echo "0 passed, 1 failed"; exit 1; }
fi
# The opt-in conformance run needs gcc: installed in the background while the solution builds and the tests run (apt is
# mostly network and disk waiting), without Recommends (libc-dev-bin's pull in libgd3 with its image codecs, X11
# libraries, fonts and manual pages: about 35 packages the compiler does not need).
gcc_pid=""
if [ "${BROKER_CONFORMANCE_TESTS:-0}" = 1 ] && ! command -v gcc >/dev/null; then
  mkdir -p "$BROKER_BUILD_DIR"
  ( export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends gcc libc6-dev \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev; } ) >"$BROKER_BUILD_DIR/gcc-install.log" 2>&1 &
  gcc_pid=$!
fi
results="$BROKER_HOME/TestResults"
rm -rf "$results"
if ! dotnet build Broker.sln -c Release -nologo -v q -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
# The broker binary the integration tests launch as a separate process (kill -9 tests need a real process).
ensure_built Broker.Host broker >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
dotnet test Broker.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?
# Opt-in (needs root, ~5 min): the short fault-injection set with real network partitions, counted as one test.
fault_passed=0 fault_failed=0
if [ "${BROKER_FAULT_TESTS:-0}" = 1 ]; then
  if bash "$BROKER_HOME/bin/fault-test.sh" --ci; then fault_passed=1; else fault_failed=1; status=1; fi
fi
# Opt-in (needs root for apt): librdkafka's CI subset, counted as one test.
conf_passed=0 conf_failed=0
if [ "${BROKER_CONFORMANCE_TESTS:-0}" = 1 ]; then
  if [ -n "$gcc_pid" ] && ! wait "$gcc_pid"; then echo "installing gcc failed (see $BROKER_BUILD_DIR/gcc-install.log)" >&2; fi
  if bash "$BROKER_HOME/bin/conformance.sh" --ci; then conf_passed=1; else conf_failed=1; status=1; fi
  fault_passed=$((fault_passed + conf_passed)) fault_failed=$((fault_failed + conf_failed))
fi
summary=$(python3 - "$results" <<'PY'
import sys, glob, re
passed = failed = 0
for f in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    text = open(f, encoding="utf-8", errors="replace").read()
    m = re.search(r"<Counters [^>]*>", text)
    if not m: continue
    c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
print(f"{passed} passed, {failed} failed")
PY
)
# The failing tests' names and first message lines, printed last so that a log's tail names them.
python3 - "$results" <<'PY'
import sys, glob, re, html
for f in sorted(glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)):
    text = open(f, encoding="utf-8", errors="replace").read()
    for m in re.finditer(r'<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="(Failed|Error|Timeout|Aborted)"[^>]*>(.*?)</UnitTestResult>', text, re.S):
        msg = re.search(r"<Message>(.*?)</Message>", m.group(3), re.S)
        first = html.unescape(msg.group(1)).strip().splitlines()[0][:300] if msg else ""
        print(f"FAILED {html.unescape(m.group(1))}: {first}")
    if re.search(r'<RunInfo [^>]*outcome="Error"', text) or "Test host process crashed" in text:
        print(f"TEST HOST PROBLEM in {f}: " + "; ".join(html.unescape(t).strip().splitlines()[0][:200] for t in re.findall(r"<Text>(.*?)</Text>", text, re.S)[:3]))
PY
summary=$(echo "$summary" | awk -v p="$fault_passed" -v f="$fault_failed" '{print $1+p" passed, "$3+f" failed"}')
if [ "$status" -ne 0 ] && [[ "$summary" == *" 0 failed" ]]; then
  # dotnet test failed without a failing test (e.g. a crashed test host): count it as a failure.
  summary="${summary% 0 failed} 1 failed"
fi
echo "$summary"
exit $status
