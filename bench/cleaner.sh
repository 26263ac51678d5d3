# K1, the log cleaner scenario of bench/run.sh (sourced). Globals: work, results, perf_dll, cli_dll, bootstrap,
# BROKER_LOG_DIR's server.log ($work/logs/server.log), K1_RECORDS, K1_KEYS, K1_SEGMENT_BYTES, P1_RECORDS, PRODUCER_PROPS.
#
# One run:
#   1. topic k1-rN (6 partitions, cleanup.policy=delete, segment.bytes=K1_SEGMENT_BYTES) gets K1_RECORDS × 100 B keyed
#      records, keys drawn uniformly from K1_KEYS (so about 1 - K1_KEYS/K1_RECORDS of them are superseded); not measured.
#   2. K1base: the P1 workload on a fresh topic, the cleaner idle (the paired "without" figure).
#   3. k1-rN is switched to cleanup.policy=compact through AlterConfigs (Debian's confluent-kafka admin client), which
#      makes its whole backlog dirty at once, and K1 (the P1 workload again, fresh topic) starts right away: P1 while the
#      cleaner runs.
#   4. Waits for one "Cleaned log …/k1-rN-P" line per partition (LoggerMessage 60 of Broker.Storage) and records from
#      them the cleaner's throughput and how much of K1's producer run it overlapped, and the cleaner's CPU seconds
#      (broker CPU from the switch to the last cleaned partition, minus K1base's).

K1_PARTITIONS=6

# k1_alter_policy TOPIC: cleanup.policy=compact (AlterConfigs replaces every override, so segment.bytes is repeated).
k1_alter_policy() {
  /usr/bin/python3 - "$bootstrap" "$1" "$K1_SEGMENT_BYTES" <<'PY'
import sys
from confluent_kafka.admin import AdminClient, ConfigResource
bootstrap, topic, segment = sys.argv[1:4]
admin = AdminClient({"bootstrap.servers": bootstrap})
resource = ConfigResource(ConfigResource.Type.TOPIC, topic, set_config={"cleanup.policy": "compact", "segment.bytes": segment})
for future in admin.alter_configs([resource]).values():
    future.result(30)
PY
}

# k1_cleaned_lines TOPIC: the broker's "Cleaned log" lines of TOPIC's partitions (server.log rolls daily into
# server_NN.log, so a run across midnight has them in two files).
k1_cleaned_lines() { cat "$work"/logs/server*.log 2>/dev/null | grep -E "Cleaned log [^ ]*/$1-[0-9]+ up to offset" || true; }

# k1_summary TOPIC P1_START P1_END: "bytes_read bytes_written elapsed_ms first_start last_end overlap_share" from the
# cleaned lines (timestamps are the broker's local time; a cleaning started ElapsedMs before its line).
k1_summary() {
  k1_cleaned_lines "$1" | /usr/bin/python3 -c '
import re, sys, time, datetime
p1_start, p1_end = float(sys.argv[1]), float(sys.argv[2])
rx = re.compile(r"^\[(\S+ \S+)\].*: (\d+) bytes read, (\d+) written, .* in (\d+) ms")
read = written = ms = 0; spans = []
for line in sys.stdin:
    m = rx.search(line)
    if not m: continue
    stamp = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
    end = time.mktime(stamp.timetuple()) + stamp.microsecond / 1e6
    read += int(m.group(2)); written += int(m.group(3)); ms += int(m.group(4))
    spans.append((end - int(m.group(4)) / 1000, end))
busy = sum(max(0.0, min(e, p1_end) - max(s, p1_start)) for s, e in spans)
print(read, written, ms, min(s for s, _ in spans), max(e for _, e in spans), busy / max(p1_end - p1_start, 1e-3))
' "$2" "$3"
}

# run_cleaner RUN
run_cleaner() {
  local r=$1 topic="k1-r$1" out="$work/runs/K1-write-r$1.out" flip p1_start p1_end summary n
  log "K1 run $r: topic $topic (cleanup.policy=delete, segment.bytes=$K1_SEGMENT_BYTES): $K1_RECORDS × 100 B from $K1_KEYS keys (not measured)"
  dotnet "$cli_dll" topics --create --topic "$topic" --partitions "$K1_PARTITIONS" --replication-factor 1 --config cleanup.policy=delete \
    --config segment.bytes="$K1_SEGMENT_BYTES" --bootstrap-server "$bootstrap" >"$out" 2>&1 || { cat "$out" >&2; die "K1 run $r: topic not created"; }
  # shellcheck disable=SC2086
  dotnet "$perf_dll" producer-perf-test --topic "$topic" --num-records "$K1_RECORDS" --record-size 100 --key-space "$K1_KEYS" --throughput -1 \
    --producer-props bootstrap.servers="$bootstrap" acks=1 $PRODUCER_PROPS >>"$out" 2>&1 || { cat "$out" >&2; die "K1 run $r: writing failed"; }
  [ -z "$(k1_cleaned_lines "$topic")" ] || die "K1 run $r: $topic was cleaned before its policy became compact"

  run_producer K1base "$r" "k1-base-r$r" "$P1_RECORDS" 100 "acks=1 $PRODUCER_PROPS"

  local cpu0 cpu1 hz base_cpu
  cpu0=$(broker_cpu_ticks) hz=$(getconf CLK_TCK)
  flip=$(date +%s.%N)
  k1_alter_policy "$topic" >>"$out" 2>&1 || { cat "$out" >&2; die "K1 run $r: AlterConfigs cleanup.policy=compact failed"; }
  p1_start=$(date +%s.%N)
  run_producer K1 "$r" "k1-p1-r$r" "$P1_RECORDS" 100 "acks=1 $PRODUCER_PROPS"
  p1_end=$(date +%s.%N)

  log "K1 run $r: waiting for the cleaner to clean all $K1_PARTITIONS partitions of $topic"
  for _ in $(seq 6000); do
    n=$(k1_cleaned_lines "$topic" | { grep -oE "/$topic-[0-9]+ " || true; } | sort -u | wc -l)
    [ "$n" -ge "$K1_PARTITIONS" ] && break
    sleep 0.1
  done
  [ "$n" -ge "$K1_PARTITIONS" ] || die "K1 run $r: only $n of $K1_PARTITIONS partitions cleaned within 600 s (see $work/logs/server.log)"
  cpu1=$(broker_cpu_ticks)
  summary=$(k1_summary "$topic" "$p1_start" "$p1_end") || die "K1 run $r: cleaner lines not understood"
  local read written ms first last overlap
  read -r read written ms first last overlap <<<"$summary"
  # The first cleaning of an all-dirty log reads every byte twice (key map, then copy): log bytes = read ÷ 2.
  record K1 "$r" clean_log_mb "$(calc "$read / 2 / 1000000")"
  record K1 "$r" clean_written_mb "$(calc "$written / 1000000")"
  record K1 "$r" clean_busy_s "$(calc "$ms / 1000")"
  record K1 "$r" clean_mbs "$(calc "$read / 2 / 1000000 / ($ms > 0 ? $ms / 1000 : 0.001)")"
  record K1 "$r" clean_wall_s "$(calc "$last - $flip")"
  record K1 "$r" clean_overlap "$overlap"
  # The cleaner's CPU: the broker's CPU from the switch until the last partition was cleaned, minus what the same P1
  # workload cost it without the cleaner (K1base of this run). Load-independent, unlike the MB/s above.
  base_cpu=$(awk -F'\t' -v r="$r" '$1 == "K1base" && $2 == r && $3 == "cpu_s" { print $4 }' "$results")
  record K1 "$r" clean_cpu_s "$(calc "($cpu1 - $cpu0) / $hz - $base_cpu")"
  record K1 "$r" clean_mb_per_cpu_s "$(calc "$read / 2 / 1000000 / (($cpu1 - $cpu0) / $hz - $base_cpu > 0.01 ? ($cpu1 - $cpu0) / $hz - $base_cpu : 0.01)")"
  log "K1 run $r: cleaned $(calc "$read / 2 / 1000000") MB of log into $(calc "$written / 1000000") MB in $(calc "$ms / 1000") s of cleaner time" \
      "($(calc "$read / 2 / 1000000 / ($ms > 0 ? $ms / 1000 : 0.001)") MB/s), all done $(calc "$last - $flip") s after the switch;" \
      "the cleaner was busy during $(calc "$overlap * 100") % of K1's producer run; cleaner CPU ≈ $(calc "($cpu1 - $cpu0) / $hz - $base_cpu") s"
}
