#!/usr/bin/env bash
# Broker benchmark: measures this machine's limits (loopback TCP with iperf3, sequential disk writes with dd), starts
# one broker (no ZooKeeper) and runs the scenarios of /work/shared/reference/performance.md §3 with the
# Kafka-compatible perf tools (src/Broker.Perf). Reports medians of N runs with broker CPU seconds (utime+stime from
# /proc/<pid>/stat) and peak RSS (VmHWM, reset per run through /proc/<pid>/clear_refs), prints a table and writes
# docs/performance.md.
#
# Usage: bench/run.sh [--smoke] [--runs N] [--scenarios P1,P2,P3,C1,L1,K1,R1] [--output FILE] [--work-dir DIR] [--keep]
#                     [--report-only]
#   --smoke      tiny workloads, 1 run, short machine checks: finishes in well under a minute; asserts nothing about speed
#   --runs N     runs per scenario (default 3; the median is reported)
#   --scenarios  comma-separated subset (default all). C1 reads P1's topic; without P1 it writes that topic first.
#   --output     the Markdown report (default docs/performance.md)
#   --work-dir   broker data, logs and tool output (default .build/bench); the data folder is removed unless --keep
#   --report-only  render the report again from the last run's results in --work-dir (measures nothing)
#   K1 (log cleaner, bench/cleaner.sh): a keyed compacted topic of K1 records (100 B, keys drawn from K1 keys) is
#   switched to cleanup.policy=compact while a P1 workload runs; reports MB/s cleaned and P1 with vs without the cleaner.
#   R1 runs last on its own cluster (ZooKeeper + 3 brokers; the single broker is stopped first): topic r1-rN with
#   6 partitions, replication factor 3, min.insync.replicas=2, created with the topics tool; acks=all, 100 B records.
#   When that topic cannot be created (no replication) R1 prints a skip line and the report says why.
# Environment: BENCH_P1_RECORDS, BENCH_P2_RECORDS, BENCH_P3_RECORDS, BENCH_R1_RECORDS, BENCH_L1_MESSAGES,
#   BENCH_K1_RECORDS, BENCH_K1_KEYS, BENCH_K1_SEGMENT_BYTES, BENCH_PRODUCER_PROPS override sizes.
set -euo pipefail
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$BENCH_ROOT/bin/common.sh"
source "$BENCH_ROOT/bench/lib.sh"

report_only=0 smoke=0 runs=3 scenarios="P1,P2,P3,C1,L1,K1,R1" output="$BENCH_ROOT/docs/performance.md" work="$BENCH_ROOT/.build/bench" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; runs=1; shift ;;
    --runs) runs=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --work-dir) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --report-only) report_only=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive integer"
results="$work/results.tsv"   # scenario run metric value
if [ "$report_only" = 1 ]; then
  [ -f "$work/meta.sh" ] && [ -f "$results" ] || die "no results in $work (run the benchmark first)"
  source "$work/meta.sh"
  has() { [[ ",$scenarios," == *",$1,"* ]]; }
  write_report "$output"
  print_table
  log "report written to $output"
  exit 0
fi

if [ "$smoke" = 1 ]; then
  P1_RECORDS=${BENCH_P1_RECORDS:-20000} P2_RECORDS=${BENCH_P2_RECORDS:-5000} P3_RECORDS=${BENCH_P3_RECORDS:-20000}
  R1_RECORDS=${BENCH_R1_RECORDS:-20000}
  L1_MESSAGES=${BENCH_L1_MESSAGES:-1000} L1_RATE=1000 L1_WARMUP=100 IPERF_SECONDS=1 DD_MIB=32 MACHINE_RUNS=1
  K1_RECORDS=${BENCH_K1_RECORDS:-20000} K1_KEYS=${BENCH_K1_KEYS:-1000} K1_SEGMENT_BYTES=${BENCH_K1_SEGMENT_BYTES:-65536}
else
  P1_RECORDS=${BENCH_P1_RECORDS:-5000000} P2_RECORDS=${BENCH_P2_RECORDS:-1000000} P3_RECORDS=${BENCH_P3_RECORDS:-5000000}
  R1_RECORDS=${BENCH_R1_RECORDS:-2000000}
  L1_MESSAGES=${BENCH_L1_MESSAGES:-310000} L1_RATE=10000 L1_WARMUP=10000 IPERF_SECONDS=5 DD_MIB=1024 MACHINE_RUNS=3
  # About 560 MB of log (100 B values, ~12 B keys, record and batch overhead), ~50 updates per key: 98 % superseded.
  K1_RECORDS=${BENCH_K1_RECORDS:-5000000} K1_KEYS=${BENCH_K1_KEYS:-100000} K1_SEGMENT_BYTES=${BENCH_K1_SEGMENT_BYTES:-16777216}
fi
PRODUCER_PROPS=${BENCH_PRODUCER_PROPS:-linger.ms=5}

rm -rf "$work/data" "$work/runs" "$work/meta.sh"
mkdir -p "$work/data" "$work/runs"
: >"$results"
bench_date=$(date -u '+%Y-%m-%d %H:%M UTC')
bench_commit=$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
perf_dll=$(ensure_built Broker.Perf perf)
broker_dll=$(ensure_built Broker.Host broker)

ensure_iperf3
log "machine: loopback TCP (iperf3, ${IPERF_SECONDS}s) and disk (dd ${DD_MIB} MiB conv=fdatasync in $work)"
for i in $(seq "$MACHINE_RUNS"); do
  record machine "$i" loopback_mbs "$(measure_loopback "$IPERF_SECONDS")"
  record machine "$i" disk_mbs "$(measure_disk "$work" "$DD_MIB")"
done
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

start_broker "$work" "$broker_dll"
trap 'stop_broker; stop_cluster; [ "$keep" = 1 ] || rm -rf "$work/data"' EXIT
bootstrap="127.0.0.1:$BROKER_PORT"

has() { [[ ",$scenarios," == *",$1,"* ]]; }
p1_topic=""
if has P1; then
  for r in $(seq "$runs"); do
    p1_topic="p1-r$r"
    run_producer P1 "$r" "$p1_topic" "$P1_RECORDS" 100 "acks=1 $PRODUCER_PROPS"
  done
fi
if has P2; then for r in $(seq "$runs"); do run_producer P2 "$r" "p2-r$r" "$P2_RECORDS" 1024 "acks=1 $PRODUCER_PROPS"; done; fi
if has P3; then for r in $(seq "$runs"); do run_producer P3 "$r" "p3-r$r" "$P3_RECORDS" 100 "acks=all $PRODUCER_PROPS"; done; fi
if has C1; then
  if [ -z "$p1_topic" ]; then
    p1_topic="c1-input"
    log "C1: writing its input topic first (P1 workload, not measured)"
    dotnet "$perf_dll" producer-perf-test --topic "$p1_topic" --num-records "$P1_RECORDS" --record-size 100 --throughput -1 \
      --producer-props bootstrap.servers="$bootstrap" acks=1 $PRODUCER_PROPS >"$work/runs/c1-input.out" 2>&1 || die "C1 input failed"
  fi
  for r in $(seq "$runs"); do run_consumer C1 "$r" "$p1_topic" "$P1_RECORDS"; done
fi
if has L1; then for r in $(seq "$runs"); do run_latency L1 "$r" "l1-r$r" "$L1_MESSAGES" "$L1_RATE" "$L1_WARMUP"; done; fi
if has K1; then
  cli_dll=$(ensure_built Broker.Cli cli)
  for r in $(seq "$runs"); do run_cleaner "$r"; done
fi
R1_SKIP_REASON=""
if has R1; then
  # Three brokers of their own: the single broker stops first so it takes no CPU from them.
  stop_broker
  cli_dll=$(ensure_built Broker.Cli cli)
  if ! start_cluster "$work" "$broker_dll"; then
    R1_SKIP_REASON="the three-broker cluster did not start (see $work/r1-*.out)"
  else
    MEASURED_PIDS=$CLUSTER_PIDS bootstrap=$CLUSTER_BOOTSTRAP
    for r in $(seq "$runs"); do
      create_replicated_topic "r1-r$r" || break
      # In a subshell: a failed run (die) ends R1 with a reason instead of the whole benchmark.
      ( run_producer R1 "$r" "r1-r$r" "$R1_RECORDS" 100 "acks=all $PRODUCER_PROPS" ) \
        || { R1_SKIP_REASON="run $r failed (see $work/runs/R1-r$r.out)"; break; }
    done
    MEASURED_PIDS="" bootstrap="127.0.0.1:$BROKER_PORT"
  fi
  stop_cluster
  [ -z "$R1_SKIP_REASON" ] || log "R1 skipped: $R1_SKIP_REASON"
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
# Everything the report needs, so --report-only can render it again.
declare -p smoke runs scenarios P1_RECORDS P2_RECORDS P3_RECORDS R1_RECORDS R1_SKIP_REASON L1_MESSAGES L1_RATE L1_WARMUP IPERF_SECONDS DD_MIB \
  K1_RECORDS K1_KEYS K1_SEGMENT_BYTES \
  PRODUCER_PROPS load_start load_end HWM_RESETTABLE bench_date bench_commit | sed 's/^declare -- //' >"$work/meta.sh"

write_report "$output"
print_table
log "report written to $output"
