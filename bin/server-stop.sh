#!/usr/bin/env bash
# Stops brokers gracefully (SIGTERM: stop accepting, finish in-flight requests, flush logs), like kafka-server-stop.sh.
# Usage: bin/server-stop.sh [CONFIG]   without CONFIG every broker of this machine is stopped.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
filter="${1:-}"
pids=()
for p in $(pgrep -f 'Broker\.Host\.dll' || true); do
  cmd=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null) || continue
  if [ -n "$filter" ]; then case "$cmd" in *"$filter"*) ;; *) continue ;; esac; fi
  pids+=("$p")
done
if [ ${#pids[@]} -eq 0 ]; then echo "No broker to stop" >&2; exit 1; fi
kill -TERM "${pids[@]}" 2>/dev/null || true
for _ in $(seq 1 300); do
  alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && exit 0
  sleep 0.1
done
die "broker(s) ${pids[*]} did not stop within 30 s"
