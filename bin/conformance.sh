#!/usr/bin/env bash
# Runs librdkafka's own integration tests (Debian's librdkafka 2.0.2 source package: tests/, test-runner) against
# this broker: ZooKeeper plus one broker (single run) and ZooKeeper plus three brokers (cluster run), each on free
# loopback ports. Prints a table (test, run, result, seconds, first failure line) and exits non-zero when an
# applicable test fails or times out. docs/conformance.md lists which tests apply and why the others are skipped.
#
# Usage: bin/conformance.sh [--single|--cluster|--all] [--fast] [--tests "0001 0034 ..."] [--timeout SECONDS]
#   --single / --cluster / --all   which runs (default --all)
#   --fast                         the quick subset (CONFORMANCE_FAST below), single broker only
#   --ci                           CI's subset (CONFORMANCE_CI), built against Debian's librdkafka1 (seconds, not minutes)
#   --tests LIST                   only these test numbers (still minus the skip list unless --force)
#   --force                        run the given --tests even when they are on the skip list
#   --timeout S                    per-test wall-clock limit (default 600; the test-runner's own timeouts apply too)
#   -j N                           tests run at once against the same cluster (default 2, CONFORMANCE_JOBS)
# Environment: BROKER_CONFORMANCE_CACHE (default ~/.cache/broker-conformance): source and build, made once;
#   CONFORMANCE_TIMEOUT_MULTIPLIER (default 2): librdkafka's test.timeout.multiplier, for loaded machines.
# Needs gcc, g++, make, python3 and apt-get source access (a deb-src entry; added for the Debian archive as root).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$BROKER_HOME"

RDKAFKA_VERSION=2.0.2
CACHE="${BROKER_CONFORMANCE_CACHE:-$HOME/.cache/broker-conformance}"
SRC="$CACHE/librdkafka-$RDKAFKA_VERSION"
runs=all fast=0 only="" force=0 per_test_timeout=600 jobs=${CONFORMANCE_JOBS:-2}
while [ $# -gt 0 ]; do
  case "$1" in
    --single) runs=single; shift ;;
    --cluster) runs=cluster; shift ;;
    --all) runs=all; shift ;;
    --fast) fast=1; runs=single; shift ;;
    --ci) runs=ci; shift ;;
    --tests) only="$2"; shift 2 ;;
    --force) force=1; shift ;;
    --timeout) per_test_timeout="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown argument '$1'" ;;
  esac
done

# Tests that do not apply to this broker, with the reason. Numbers match every variant of a test (e.g. 0045_*).
declare -A SKIP=(
  [0028]="marked TEST_F_KNOWN_ISSUE by librdkafka itself (skipped by its own runner)"
  [0047]="marked TEST_F_KNOWN_ISSUE by librdkafka itself (skipped by its own runner)"
  [0077]="needs log compaction (cleanup.policy=compact), not implemented yet"
  [0097]="needs an SSL listener (not implemented yet)"
  [0098]="needs transactions and Kafka's Java TransactionProducerCli tool"
  [0103]="needs transactions (AddPartitionsToTxn, EndTxn, ...), not implemented yet"
  [0129]="needs transactions (aborted records), not implemented yet"
  [0115]="needs SASL and ACLs (producer authorization errors), not implemented yet"
  [0119]="needs SASL and ACLs (consumer authorization errors), not implemented yet"
  [0126]="needs SASL/OAUTHBEARER with an OIDC token endpoint"
  [0135]="needs SASL/PLAIN or SCRAM credentials"
  [0052]="its 0.9.0.0 variants send Produce v1 (message format v0/v1); this broker, like Kafka 4.0 (KIP-896), takes Produce v3+ only"
  [0109]="needs ACLs (Kafka's kafka-acls.sh and an authorizer), not implemented yet"
)
# librdkafka 2.0.2 bugs fixed in 2.1.0 (docs/conformance.md has the evidence); here their failure is XFAIL, not FAIL.
# #4187: a consumer whose partition was lost because its topic was deleted never finishes rd_kafka_destroy (these
# pass against this broker with that fix applied to 2.0.2). #4230: rd_kafka_seek_partitions() divides its timeout by
# 1000 (7000 ms became 7 ms), so 0015's "with timeout" seek fails whenever three seeks take longer than that.
HANG="librdkafka 2.0.2 close/destroy hang after topic deletion (#4187)"
declare -A CLIENT_BUG=(
  [0045]=$HANG [0113:h_delete_topic]=$HANG [0113:i_delete_topic_2]=$HANG [0113:j_delete_topic_no_rb_callback]=$HANG
  [0113:n_wildcard]=$HANG [0107]=$HANG [0015]="librdkafka 2.0.2 seek_partitions timeout in microseconds (#4230)"
)
# What the failure must look like to count as that bug (any other failure of the same test stays a FAIL).
declare -A CLIENT_BUG_SIGN=([0015]="remaining partition seek")
BUG_HANG_SIGN="timed out"
# Tests that create topics with replication factor 3 (as librdkafka's three-broker trivup scenarios do): cluster run only.
CLUSTER_ONLY="0107 0111"
# Tests run as one runner invocation per listed subtest (SUBTESTS is a single substring), so that a subtest that
# does not apply can be left out: 0113's o_java_interop needs Kafka's Java consumer; 0061's second subtest
# ("... with transactions") needs transactions; 0081's CreateAcls, DescribeAcls and DeleteAcls need ACLs (the
# other admin subtests run one by one).
declare -A SPLIT=(
  [0061]="without"
  [0081]="do_test_unclean_destroy do_test_CreateTopics do_test_DeleteTopics do_test_CreatePartitions do_test_AlterConfigs
          do_test_DescribeConfigs do_test_DeleteRecords do_test_ListConsumerGroups do_test_DescribeConsumerGroups
          do_test_DeleteGroups do_test_DeleteConsumerGroupOffsets do_test_AlterConsumerGroupOffsets
          do_test_ListConsumerGroupOffsets"
  [0113]="a_assign_tests b_subscribe_with_cb_test c_subscribe_no_cb_test d_change_subscription_add_topic
          e_change_subscription_remove_topic f_assign_call_cooperative g_incremental_assign_call_eager h_delete_topic
          i_delete_topic_2 j_delete_topic_no_rb_callback k_add_partition l_unsubscribe m_unsubscribe_2 n_wildcard
          s_subscribe_when_rebalancing t_max_poll_interval_exceeded u_multiple_subscription_changes
          v_commit_during_rebalance x_incremental_rebalances"
)
# The quick subset (not in CI, see docs/conformance.md): tests that cover produce, consume, groups, offsets, metadata, admin and idempotence.
CONFORMANCE_FAST="0001 0002 0003 0005 0012 0013 0015 0019 0021 0031 0034 0035 0039 0048 0057 0063 0070 0073 0099 0112"

# CI's subset (bin/test.sh with BROKER_CONFORMANCE_TESTS=1): one runner invocation against one broker. Built without
# the library: test.c, its helpers and these tests only, linked against Debian's librdkafka1 2.0.2 (installed with
# python3-confluent-kafka), every other test's entry point stubbed. About 5 s of CPU instead of 5 min.
CONFORMANCE_CI="0001 0002 0005 0012 0013"
CI_LIB=/usr/lib/x86_64-linux-gnu/librdkafka.so.1

build_ci_runner() {
  local out="$CACHE/ci-runner" f num
  [ -x "$out/tests/test-runner" ] && return 0
  command -v gcc >/dev/null || die "gcc is needed to build the test-runner (apt-get install gcc libc6-dev)"
  [ -e "$CI_LIB" ] || die "$CI_LIB (Debian's librdkafka1 2.0.2) is needed for --ci"
  rm -rf "$out"; mkdir -p "$out/tests" "$out/src"
  cp "$SRC"/tests/*.c "$SRC"/tests/*.h "$out/tests/" && cp "$SRC"/src/*.h "$SRC"/src/tinycthread*.c "$SRC"/src/rdlist.c "$out/src/" \
    && : > "$out/config.h" || die "copying the test sources failed"
  python3 - "$out/tests" "$CONFORMANCE_CI" <<'PY'
import re, sys
keep = sys.argv[2].split()
decls = re.findall(r"_TEST_DECL\((\w+)\)", open(sys.argv[1] + "/test.c").read())
with open(sys.argv[1] + "/stubs.c", "w") as f:
    for d in decls:
        if d[:4] not in keep:
            f.write(f"int main_{d}(int argc, char **argv) {{ return 0; }}\n")
PY
  local files=(test.c rusage.c sockem.c sockem_ctrl.c stubs.c ../src/tinycthread.c ../src/tinycthread_extra.c ../src/rdlist.c)
  for num in $CONFORMANCE_CI; do for f in "$out"/tests/"$num"-*.c; do files+=("$(basename "$f")"); done; done
  ( cd "$out/tests" && for f in "${files[@]}"; do gcc -O0 -w -I../src -I.. -DWITH_SOCKEM=1 -c "$f" -o "$(basename "$f" .c).o" || exit 1; done \
    && gcc -o test-runner ./*.o "$CI_LIB" -lpthread -lm ) >"$CACHE/ci-build.log" 2>&1 || { rm -f "$out/tests/test-runner"; die "test-runner build failed; see $CACHE/ci-build.log"; }
}

# run_ci: the CI subset in one runner invocation against ZooKeeper plus one broker; its table row(s) in ROWS.
run_ci() {
  local dir="$BROKER_BUILD_DIR/conformance/ci" start rc secs
  start_cluster "$dir" 1 true || { ROWS+=("| $CONFORMANCE_CI | ci | FAIL | 0 | cluster did not start |"); failed=1; return; }
  mkdir -p "$dir/logs"
  printf 'metadata.broker.list=%s\ntest.timeout.multiplier=%s\ntest.topic.random=true\n' "$BOOTSTRAP" "${CONFORMANCE_TIMEOUT_MULTIPLIER:-2}" > "$dir/test.conf"
  start=$(date +%s)
  ( cd "$CACHE/ci-runner/tests" && exec timeout -k 10 "$per_test_timeout" env RDKAFKA_TEST_CONF="$dir/test.conf" TEST_KAFKA_VERSION=3.6.0 \
      TESTS="$CONFORMANCE_CI" ./test-runner -L ) >"$dir/logs/test-ci.log" 2>&1
  rc=$? secs=$(( $(date +%s) - start ))
  if [ $rc = 0 ]; then ROWS+=("| $CONFORMANCE_CI | ci | PASS | $secs |  |")
  else ROWS+=("| $CONFORMANCE_CI | ci | FAIL | $secs | $(grep -m1 -A1 'failed at ' "$dir/logs/test-ci.log" | tr '\n' ' ' | sed 's/\x1b\[[0-9;]*m//g; s/|/\\|/g' | cut -c1-200) (log: $dir/logs/test-ci.log) |"); failed=1; fi
  stop_all
}

fetch_source() {
  [ -f "$SRC/configure" ] && return 0
  mkdir -p "$CACHE"
  if ! ( cd "$CACHE" && apt-get source --download-only "librdkafka=$RDKAFKA_VERSION-1" ) >"$CACHE/fetch.log" 2>&1; then
    # apt needs a deb-src entry for the Debian archive the machine already uses.
    if [ "$(id -u)" = 0 ] && [ ! -e /etc/apt/sources.list.d/debian-src.sources ]; then
      printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        > /etc/apt/sources.list.d/debian-src.sources
      # Only the new deb-src list: the binary package lists are current already (bin/install-deps.sh).
      apt-get update -qq -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/debian-src.sources -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 >>"$CACHE/fetch.log" 2>&1
    fi
    ( cd "$CACHE" && apt-get source --download-only "librdkafka=$RDKAFKA_VERSION-1" ) >>"$CACHE/fetch.log" 2>&1 \
      || die "apt-get source librdkafka failed (needs a deb-src entry); see $CACHE/fetch.log"
  fi
  tar -xzf "$CACHE/librdkafka_$RDKAFKA_VERSION.orig.tar.gz" -C "$CACHE" || die "unpacking the source failed"
}

build_tests() {
  [ -x "$SRC/tests/test-runner" ] && [ -f "$SRC/.conformance-built" ] && return 0
  for tool in gcc g++ make python3; do command -v $tool >/dev/null || die "$tool is needed to build librdkafka"; done
  echo "Building librdkafka $RDKAFKA_VERSION and its test-runner in $SRC (once; several minutes) ..." >&2
  ( cd "$SRC" \
    && ./configure --disable-curl --disable-gssapi --disable-zstd --disable-lz4-ext --disable-syslog \
    && make -j2 libs && make -C tests -j2 build ) >"$CACHE/build.log" 2>&1 || die "build failed; see $CACHE/build.log"
  touch "$SRC/.conformance-built"
}

# kafka-topics.sh as the tests call it ($KAFKA_PATH/bin/kafka-topics.sh --bootstrap-server ...): this project's tool.
make_kafka_shim() {
  mkdir -p "$CACHE/kafka-shim/bin"
  printf '#!/usr/bin/env bash\nexec bash "%s/bin/topics.sh" "$@"\n' "$BROKER_HOME" > "$CACHE/kafka-shim/bin/kafka-topics.sh"
  chmod +x "$CACHE/kafka-shim/bin/kafka-topics.sh"
}

# Applicable tests: every non-local, non-manual test of the runner's table, minus the skip list; one line per
# number with its scenarios ("default" or "noautocreate").
list_tests() {
  python3 - "$SRC/tests/test.c" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
start = src.index("struct test tests[]")
body = src[start:src.index("};", start)]
seen = {}
for chunk in body.split("_TEST(")[1:]:
    name = chunk.split(",")[0].strip()
    if not re.match(r"\d{4}_", name): continue
    flags = re.findall(r"TEST_F_\w+", chunk)
    if "TEST_F_LOCAL" in flags or "TEST_F_MANUAL" in flags: continue
    sc = re.search(r'scenario\s*=\s*"([^"]+)"', chunk)
    for s in (sc.group(1) if sc else "default").split(","):
        if s in ("default", "noautocreate"):
            seen.setdefault(name[:4], set()).add(s)
for num in sorted(seen):
    print(num, ",".join(sorted(seen[num])))
PY
}

free_ports() { /usr/bin/python3 -c "
import socket
socks = [socket.socket() for _ in range($1)]
for s in socks: s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in socks))"; }

PIDS=()
stop_all() {
  [ ${#PIDS[@]} -gt 0 ] || return 0
  kill -TERM "${PIDS[@]}" 2>/dev/null
  for _ in $(seq 1 150); do
    alive=0; for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.2
  done
  kill -KILL "${PIDS[@]}" 2>/dev/null
  PIDS=()
}
trap stop_all EXIT

# start_cluster DIR BROKERS AUTOCREATE: ZooKeeper and BROKERS brokers on free ports; sets BOOTSTRAP.
start_cluster() {
  local dir=$1 n=$2 autocreate=$3 ports zk i rf
  rm -rf "$dir"; mkdir -p "$dir"
  read -r -a ports <<<"$(free_ports $((n + 1)))"
  zk=${ports[0]}
  printf 'dataDir=%s/zookeeper\nclientPort=%s\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\nadmin.enableServer=false\nforceSync=no\n' \
    "$dir" "$zk" > "$dir/zookeeper.properties"
  export BROKER_LOG_DIR="$dir/logs"
  PIDS+=("$(bash bin/zookeeper-server-start.sh -daemon "$dir/zookeeper.properties" 2>/dev/null)")
  rf=$(( n < 3 ? n : 3 ))
  BOOTSTRAP=""
  local ids=""
  for i in $(seq 1 "$n"); do
    cat > "$dir/server-$i.properties" <<EOF
broker.id=$i
listeners=PLAINTEXT://127.0.0.1:${ports[$i]}
log.dirs=$dir/data-$i
zookeeper.connect=127.0.0.1:$zk
auto.create.topics.enable=$autocreate
num.partitions=4
default.replication.factor=$rf
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=1
EOF
    BOOTSTRAP+="${BOOTSTRAP:+,}127.0.0.1:${ports[$i]}"
    ids+="${ids:+,}$i"
  done
  local dll; dll=$(ensure_built Broker.Host broker) || return 1
  ensure_built Broker.Cli cli >/dev/null || return 1
  # ZooKeeper must serve before the brokers connect.
  for _ in $(seq 1 600); do
    (exec 3<>/dev/tcp/127.0.0.1/"$zk" && printf 'srvr' >&3 && timeout 2 cat <&3 | grep -q '^Mode:') 2>/dev/null && break
    sleep 0.1
  done
  for i in $(seq 1 "$n"); do
    PIDS+=("$(bash bin/server-start.sh -daemon "$dir/server-$i.properties" 2>/dev/null)")
  done
  BROKER_HOME="$BROKER_HOME" dotnet "$dll" cluster-status --zookeeper "127.0.0.1:$zk" --expect-brokers "$ids" \
    --wait-seconds 120 >"$dir/cluster-status.txt" 2>&1 || { echo "the cluster did not come up; see $dir/logs" >&2; return 1; }
}

# run_one RUNDIR NUM SCENARIO LABEL [SUBTEST]: runs one test number (or one of its subtests), writes its table row.
run_one() {
  local dir=$1 num=$2 scenario=$3 label=$4 sub=${5:-} log start rc secs result first id
  id=$num${sub:+ $sub}
  log="$dir/logs/test-$num${sub:+-$sub}-$scenario.log"
  start=$(date +%s.%N)
  ( ( cd "$SRC/tests" && exec timeout -k 10 "$per_test_timeout" env LD_LIBRARY_PATH="../src:../src-cpp" \
      RDKAFKA_TEST_CONF="$dir/test.conf" TEST_KAFKA_VERSION=3.6.0 TESTS="$num" ${sub:+SUBTESTS="$sub"} TEST_SCENARIO="$scenario" \
      KAFKA_PATH="$CACHE/kafka-shim" BROKERS="$BOOTSTRAP" ./test-runner -L ) >"$log" 2>&1 ) 2>/dev/null  # the runner aborts on failure: no "Aborted" job notice
  rc=$?
  secs=$(python3 -c "import time; print(f'{time.time() - $start:.0f}')")
  first=""
  if [ $rc = 0 ]; then
    result=PASS
    # Every variant skipped by the runner (scenario, version, missing config): report it as such.
    local summary; summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\| *[0-9]{4}_\w+ +\| +[A-Z]+ +\|')
    if echo "$summary" | grep -q SKIPPED && ! echo "$summary" | grep -q PASSED; then
      result=SKIP; first=$(echo "$summary" | grep -m1 SKIPPED | sed 's/.*s *|//')
    fi
  elif { [ $rc = 124 ] || [ $rc = 137 ]; } && [ "$secs" -ge "$per_test_timeout" ]; then
    result=TIMEOUT; first="no result within ${per_test_timeout}s; last line: $(grep -v '^\s*$' "$log" | tail -1)"
  else
    result=FAIL
    first=$(grep -m1 -A1 'failed at ' "$log" | tr '\n' ' ')
    [ -n "$first" ] || first=$(grep -m1 -iE 'fail|assert' "$log")
  fi
  local sign=${CLIENT_BUG_SIGN[$num]:-$BUG_HANG_SIGN}
  if [ -n "${CLIENT_BUG[$num${sub:+:$sub}]:-}" ] && [ $scenario != default -o $num != 0045 ] \
     && [ $result != PASS ] && grep -A1 'failed at ' "$log" | grep -q "$sign"; then
    result=XFAIL; first="${CLIENT_BUG[$num${sub:+:$sub}]}: $first"
  fi
  first=$(echo "$first" | sed 's/\x1b\[[0-9;]*m//g; s/|/\\|/g' | cut -c1-200)
  echo "| $id | $label | $result | $secs | $first |" > "$dir/results/$num${sub:+-$sub}"
  echo "  $id ($label): $result ${secs}s $first" >&2
}

# run_suite LABEL BROKERS: one cluster per scenario, every applicable test against it.
run_suite() {
  local label=$1 n=$2 scenario autocreate num scen dir
  for scenario in default noautocreate; do
    local todo=()
    while read -r num scen; do
      [[ ",$scen," == *",$scenario,"* ]] || continue
      if [ -n "$only" ]; then [[ " $only " == *" $num "* ]] || continue; fi
      if [ -n "${SKIP[$num]:-}" ] && [ $force = 0 ]; then continue; fi
      if [ $fast = 1 ] && [[ " $CONFORMANCE_FAST " != *" $num "* ]]; then continue; fi
      if [ "$n" -lt 3 ] && [[ " $CLUSTER_ONLY " == *" $num "* ]]; then continue; fi
      todo+=("$num")
    done < <(list_tests)
    [ ${#todo[@]} -gt 0 ] || continue
    autocreate=true; [ $scenario = noautocreate ] && autocreate=false
    dir="$BROKER_BUILD_DIR/conformance/$label-$scenario"
    echo "== $label run, scenario $scenario: ${#todo[@]} tests (output in $dir/logs)" >&2
    if ! start_cluster "$dir" "$n" "$autocreate"; then
      ROWS+=("| - | $label/$scenario | FAIL | 0 | cluster did not start |"); failed=1; stop_all; continue
    fi
    printf 'metadata.broker.list=%s\ntest.timeout.multiplier=%s\ntest.topic.random=true\n' \
      "$BOOTSTRAP" "${CONFORMANCE_TIMEOUT_MULTIPLIER:-2}" > "$dir/test.conf"
    mkdir -p "$dir/results"
    local l="$label"; [ $scenario = default ] || l="$label/$scenario"
    # Tests use random topic and group names, so a few may share the cluster at once.
    local items=() item
    for num in "${todo[@]}"; do
      if [ -n "${SPLIT[$num]:-}" ]; then for item in ${SPLIT[$num]}; do items+=("$num:$item"); done
      else items+=("$num:"); fi
    done
    for item in "${items[@]}"; do
      while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
      run_one "$dir" "${item%%:*}" "$scenario" "$l" "${item#*:}" &
    done
    wait
    for item in "${items[@]}"; do
      num=${item%%:*} item=${item#*:}
      ROWS+=("$(cat "$dir/results/$num${item:+-$item}")")
    done
    stop_all
  done
}

fetch_source
if [ $runs = ci ]; then build_ci_runner; else build_tests; fi
make_kafka_shim
ROWS=() failed=0
case $runs in
  single) run_suite single 1 ;;
  cluster) run_suite cluster 3 ;;
  all) run_suite single 1; run_suite cluster 3 ;;
  ci) run_ci ;;
esac

echo
echo "librdkafka $RDKAFKA_VERSION test suite against this broker ($(git rev-parse --short HEAD 2>/dev/null), $(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "| Test | Run | Result | Seconds | First failure line |"
echo "|------|-----|--------|---------|--------------------|"
printf '%s\n' "${ROWS[@]}"
pass=$(printf '%s\n' "${ROWS[@]}" | grep -c '| PASS |'); total=${#ROWS[@]}
printf '%s\n' "${ROWS[@]}" | grep -Eq '\| (FAIL|TIMEOUT) \|' && failed=1
xfail=$(printf '%s\n' "${ROWS[@]}" | grep -c '| XFAIL |')
echo
if [ "$xfail" -gt 0 ]; then echo "$pass of $total passed, $xfail known librdkafka 2.0.2 failures (XFAIL)"; else echo "$pass of $total passed"; fi
exit $failed
