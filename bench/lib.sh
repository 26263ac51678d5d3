# Functions of bench/run.sh (sourced). Globals set by run.sh: work, results, perf_dll, bootstrap, runs, smoke, ...

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# record SCENARIO RUN METRIC VALUE: one measurement into results.tsv.
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$results"; }

# values SCENARIO METRIC: the per-run values, one a line.
values() { awk -F'\t' -v s="$1" -v m="$2" '$1 == s && $3 == m { print $4 }' "$results"; }

# median SCENARIO METRIC: the median of the runs (empty when none).
median() {
  values "$1" "$2" | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# calc EXPR: floating-point arithmetic (awk), printed with up to 6 significant decimals.
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }

# group NUMBER [DECIMALS]: 1234567.8 -> 1,234,568 (thousands separators, locale-independent).
group() {
  awk -v n="$1" -v d="${2:-0}" 'BEGIN {
    s = sprintf("%." d "f", n); neg = (substr(s, 1, 1) == "-"); if (neg) s = substr(s, 2)
    p = index(s, "."); i = p ? substr(s, 1, p - 1) : s; f = p ? substr(s, p) : ""
    out = ""; while (length(i) > 3) { out = "," substr(i, length(i) - 2) out; i = substr(i, 1, length(i) - 3) }
    printf "%s%s%s%s", (neg ? "-" : ""), i, out, f }'
}

# runs_of SCENARIO METRIC [DECIMALS]: "a / b / c" with thousands separators.
runs_of() { values "$1" "$2" | while read -r v; do group "$v" "${3:-0}"; echo; done | paste -sd'/' | sed 's#/# / #g'; }

measure_loopback() {
  local seconds=$1 port out server
  port=$(free_port)
  iperf3 -s -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  server=$!
  sleep 0.5
  out=$(iperf3 -c 127.0.0.1 -p "$port" -t "$seconds" -J 2>/dev/null | python3 -c \
    'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 8e6, 1))' 2>/dev/null || echo 0)
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  echo "$out"
}

measure_disk() {
  local dir=$1 mib=$2 f="$1/dd-test.tmp"
  dd if=/dev/zero of="$f" bs=1M count="$mib" conv=fdatasync 2>&1 \
    | awk '/copied/ { for (i = 2; i <= NF; i++) if ($i ~ /^s,?$/) { printf "%.1f", $1 / $(i - 1) / 1e6; exit } }'
  rm -f "$f"
}

ensure_iperf3() {
  command -v iperf3 >/dev/null 2>&1 && return
  log "iperf3 is missing; installing it from Debian"
  { apt-get install -y -q iperf3 >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q iperf3 >/dev/null 2>&1; }; } \
    || die "could not install iperf3 (apt-get install iperf3)"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_broker() {
  local dir=$1 dll=$2
  BROKER_PORT=$(free_port)
  cat >"$dir/server.properties" <<PROPS
broker.id=0
listeners=PLAINTEXT://127.0.0.1:$BROKER_PORT
log.dirs=$dir/data
num.partitions=6
auto.create.topics.enable=true
# K1: the cleaner looks for dirty logs every second instead of every 15 s, so cleaning starts right after the switch.
log.cleaner.backoff.ms=1000
PROPS
  BROKER_LOG_DIR="$dir/logs" dotnet "$dll" "$dir/server.properties" >"$dir/broker.out" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 600); do
    grep -q ' ready: ' "$dir/broker.out" 2>/dev/null && break
    kill -0 "$BROKER_PID" 2>/dev/null || { cat "$dir/broker.out" >&2; die "the broker exited during startup"; }
    sleep 0.1
  done
  grep -q ' ready: ' "$dir/broker.out" || die "the broker did not become ready in 60 s"
  log "broker pid $BROKER_PID on 127.0.0.1:$BROKER_PORT (data in $dir/data)"
}

stop_broker() {
  [ -n "${BROKER_PID:-}" ] || return 0
  kill -TERM "$BROKER_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=""
}

# The measured broker processes: the single broker, or R1's three (CPU is summed, peak RSS is the largest one's).
measured_pids() { echo "${MEASURED_PIDS:-$BROKER_PID}"; }

# Broker CPU ticks (utime + stime). Fields after "(comm) ": state is $1, so utime/stime (14/15) are $12/$13.
broker_cpu_ticks() {
  local pid total=0
  for pid in $(measured_pids); do total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'))); done
  echo "$total"
}

broker_hwm_kib() {
  local pid
  for pid in $(measured_pids); do awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status"; done | sort -n | tail -1
}

# Per-run peak RSS: "5" in clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
HWM_RESETTABLE=1
reset_hwm() { local pid; for pid in $(measured_pids); do echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || HWM_RESETTABLE=0; done; }

measure_begin() {
  local pid
  for pid in $(measured_pids); do kill -0 "$pid" 2>/dev/null || die "broker pid $pid is not running (see $work/*.out)"; done
  reset_hwm
  M_CPU0=$(broker_cpu_ticks)
  M_T0=$(date +%s.%N)
  M_LOAD=$(cut -d' ' -f1 /proc/loadavg)
}

# measure_end SCENARIO RUN ACTIVE_SECONDS: records broker CPU seconds, cores over the tool's active time, peak RSS.
measure_end() {
  local cpu1 hz t1 cpu_s
  cpu1=$(broker_cpu_ticks); t1=$(date +%s.%N); hz=$(getconf CLK_TCK)
  cpu_s=$(calc "($cpu1 - $M_CPU0) / $hz")
  record "$1" "$2" cpu_s "$cpu_s"
  record "$1" "$2" cores "$(calc "$cpu_s / ($3 > 0 ? $3 : 1)")"
  record "$1" "$2" wall_s "$(calc "$t1 - $M_T0")"
  record "$1" "$2" rss_mib "$(calc "$(broker_hwm_kib) / 1024")"
  record "$1" "$2" load "$M_LOAD"
}

# run_producer SCENARIO RUN TOPIC RECORDS SIZE "PROPS"
run_producer() {
  local s=$1 r=$2 topic=$3 n=$4 size=$5 props=$6 out="$work/runs/$1-r$2.out" line sent rate mb
  log "$s run $r: producer-perf-test --topic $topic --num-records $n --record-size $size --producer-props $props"
  measure_begin
  # shellcheck disable=SC2086
  dotnet "$perf_dll" producer-perf-test --topic "$topic" --num-records "$n" --record-size "$size" --throughput -1 \
    --producer-props bootstrap.servers="$bootstrap" $props >"$out" 2>&1 || { cat "$out" >&2; die "$s run $r failed"; }
  line=$(grep -E '^[0-9]+ records sent, [0-9.]+ records/sec \([0-9.]+ MB/sec\), .* ms 99\.9th\.$' "$out" | tail -1)
  [ -n "$line" ] || { cat "$out" >&2; die "$s run $r: no final line"; }
  read -r sent rate mb < <(echo "$line" | sed -E 's/^([0-9]+) records sent, ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\).*/\1 \2 \3/')
  [ "$sent" = "$n" ] || die "$s run $r: $sent of $n records acknowledged"
  measure_end "$s" "$r" "$(calc "$n / $rate")"
  record "$s" "$r" rate "$rate"
  record "$s" "$r" mibs "$mb"
  record "$s" "$r" p99_ms "$(echo "$line" | sed -E 's/.* ([0-9]+) ms 99th.*/\1/')"
  record "$s" "$r" avg_ms "$(echo "$line" | sed -E 's/.* ([0-9.]+) ms avg latency.*/\1/')"
  log "$s run $r: $line"
}

# run_consumer SCENARIO RUN TOPIC MESSAGES
run_consumer() {
  local s=$1 r=$2 topic=$3 n=$4 out="$work/runs/$1-r$2.out" row
  log "$s run $r: consumer-perf-test --topic $topic --messages $n (all partitions assigned, from the start)"
  measure_begin
  dotnet "$perf_dll" consumer-perf-test --bootstrap-server "$bootstrap" --topic "$topic" --messages "$n" --timeout 30000 \
    >"$out" 2>&1 || { cat "$out" >&2; die "$s run $r failed"; }
  row=$(grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]+, ' "$out" | tail -1)
  [ -n "$row" ] || { cat "$out" >&2; die "$s run $r: no CSV row"; }
  local nmsg rate mb
  nmsg=$(echo "$row" | awk -F', ' '{ print $5 }'); rate=$(echo "$row" | awk -F', ' '{ print $6 }'); mb=$(echo "$row" | awk -F', ' '{ print $4 }')
  [ "$nmsg" = "$n" ] || die "$s run $r: consumed $nmsg of $n records"
  measure_end "$s" "$r" "$(calc "$n / $rate")"
  record "$s" "$r" rate "$rate"
  record "$s" "$r" mibs "$mb"
  log "$s run $r: $row"
}

# run_latency SCENARIO RUN TOPIC MESSAGES RATE WARMUP
run_latency() {
  local s=$1 r=$2 topic=$3 n=$4 rate=$5 warmup=$6 out="$work/runs/$1-r$2.out" line
  log "$s run $r: end-to-end-latency $topic $n acks=1 1024 B --throughput $rate --warmup-messages $warmup"
  measure_begin
  dotnet "$perf_dll" end-to-end-latency "$bootstrap" "$topic" "$n" 1 1024 --throughput "$rate" --warmup-messages "$warmup" \
    >"$out" 2>&1 || { cat "$out" >&2; die "$s run $r failed"; }
  line=$(grep -E '^Percentiles \(us\): ' "$out" | tail -1)
  [ -n "$line" ] || { cat "$out" >&2; die "$s run $r: no percentiles"; }
  measure_end "$s" "$r" "$(calc "$n / $rate")"
  local p50 p99 p999 max
  read -r p50 p99 p999 max < <(echo "$line" | sed -E 's/.*50th = ([0-9]+), 99th = ([0-9]+), 99\.9th = ([0-9]+), max = ([0-9]+).*/\1 \2 \3 \4/')
  record "$s" "$r" p50_ms "$(calc "$p50 / 1000")"
  record "$s" "$r" p99_ms "$(calc "$p99 / 1000")"
  record "$s" "$r" p999_ms "$(calc "$p999 / 1000")"
  record "$s" "$r" max_ms "$(calc "$max / 1000")"
  log "$s run $r: $(grep -E '^Avg latency' "$out") | $line"
}

source "$BENCH_ROOT/bench/cluster.sh"
source "$BENCH_ROOT/bench/cleaner.sh"
source "$BENCH_ROOT/bench/report.sh"
