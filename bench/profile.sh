#!/usr/bin/env bash
# Profiles the broker under one benchmark scenario: starts a broker as bench/run.sh does, warms it up, then runs the
# scenario twice, once under dotnet-counters (System.Runtime every second: CPU, allocation rate, GC counts and pauses,
# lock contention, thread-pool items) and once under dotnet-trace (sampled stacks about 100 Hz plus sampled
# allocations). Prints the top methods (dotnet-trace report topN) and the counters' key lines.
#
# Usage: bench/profile.sh [P1|P2|C1|L1] [--out DIR]
#   Output (default .build/profile/<scenario>): counters.csv, trace.nettrace (open in PerfView or speedscope, or read
#   it with TraceEvent for allocations by type and stack), broker.out, and the tool's output.
# dotnet-trace and dotnet-counters are installed into .tools/ on first use (dotnet tool install --tool-path).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bin/common.sh"
scenario=P1 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    P1|P2|C1|L1) scenario=$1; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
out=${out:-$ROOT/.build/profile/$scenario}
tools="$ROOT/.tools"
for t in dotnet-trace dotnet-counters; do
  [ -x "$tools/$t" ] || dotnet tool install "$t" --tool-path "$tools" >&2 || die "could not install $t"
done

rm -rf "$out"; mkdir -p "$out"
perf_dll=$(ensure_built Broker.Perf perf)
broker_dll=$(ensure_built Broker.Host broker)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bs="127.0.0.1:$port"
printf 'broker.id=0\nlisteners=PLAINTEXT://%s\nlog.dirs=%s/data\nnum.partitions=6\n' "$bs" "$out" >"$out/server.properties"
dotnet "$broker_dll" "$out/server.properties" >"$out/broker.out" 2>&1 &
broker=$!
trap 'kill "$broker" 2>/dev/null; wait "$broker" 2>/dev/null; rm -rf "$out/data"' EXIT
for _ in $(seq 600); do grep -q ' ready: ' "$out/broker.out" && break; kill -0 "$broker" || die "broker exited"; sleep 0.1; done

# run_scenario TAG: one run of the scenario's workload (about 10-15 s on the 2-vCPU machine).
run_scenario() {
  case "$scenario" in
    P1) dotnet "$perf_dll" producer-perf-test --topic "p-$1" --num-records 5000000 --record-size 100 --throughput -1 \
          --producer-props bootstrap.servers="$bs" acks=1 linger.ms=5 ;;
    P2) dotnet "$perf_dll" producer-perf-test --topic "p-$1" --num-records 1000000 --record-size 1024 --throughput -1 \
          --producer-props bootstrap.servers="$bs" acks=1 linger.ms=5 ;;
    C1) dotnet "$perf_dll" consumer-perf-test --bootstrap-server "$bs" --topic input --messages 5000000 ;;
    L1) dotnet "$perf_dll" end-to-end-latency "$bs" "l-$1" 100000 1 1024 --throughput 10000 --warmup-messages 1000 ;;
  esac
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load.txt"
if [ "$scenario" = C1 ]; then
  dotnet "$perf_dll" producer-perf-test --topic input --num-records 5000000 --record-size 100 --throughput -1 \
    --producer-props bootstrap.servers="$bs" acks=1 linger.ms=5 >"$out/input.out"
else
  run_scenario warmup >"$out/warmup.out"
fi

"$tools/dotnet-counters" collect -p "$broker" --counters System.Runtime --refresh-interval 1 --format csv \
  -o "$out/counters.csv" --duration 00:00:00:12 >/dev/null 2>&1 &
counters=$!
sleep 1
run_scenario counted | tee "$out/counted.out" | tail -2
wait "$counters" || true

"$tools/dotnet-trace" collect -p "$broker" --profile dotnet-sampled-thread-time,gc-verbose -o "$out/trace.nettrace" \
  --duration 00:00:00:10 >"$out/trace.log" 2>&1 &
trace=$!
sleep 2
run_scenario traced >"$out/traced.out"
wait "$trace" || true

echo "== top methods (sampled thread time; thread-pool waits included)"
"$tools/dotnet-trace" report "$out/trace.nettrace" topN -n 25 2>/dev/null | head -40 || true
echo "== counters (per second: allocated bytes, GCs by generation, pause, user/system CPU, lock contentions)"
for c in 'dotnet.gc.heap.total_allocated' 'generation=gen0]' 'generation=gen1]' 'generation=gen2]' 'dotnet.gc.pause.time' \
         'cpu.mode=user' 'cpu.mode=system' 'lock_contentions'; do
  printf '%-32s ' "$c"
  grep -F -- "$c" "$out/counters.csv" | grep -v -e fragmentation -e last_collection | awk -F, '{ printf "%.3g ", $5 } END { print "" }' | cut -c1-150
done
echo "output in $out"
