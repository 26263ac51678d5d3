#!/usr/bin/env bash
# Stops ZooKeeper servers started from this machine, like Kafka's zookeeper-server-stop.sh.
# Usage: bin/zookeeper-server-stop.sh [CONFIG]   without CONFIG every ZooKeeper server of this machine is stopped.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
filter="${1:-}"
[ -n "$filter" ] && [ -f "$filter" ] && filter="$(cd "$(dirname "$filter")" && pwd)/$(basename "$filter")"
pids=()
for p in $(pgrep -f 'org\.apache\.zookeeper\.server\.quorum\.QuorumPeerMain' || true); do
  cmd=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null) || continue
  if [ -n "$filter" ]; then case "$cmd" in *"$filter"*) ;; *) continue ;; esac; fi
  pids+=("$p")
done
if [ ${#pids[@]} -eq 0 ]; then echo "No zookeeper server to stop" >&2; exit 1; fi
kill -TERM "${pids[@]}" 2>/dev/null || true
for _ in $(seq 1 200); do
  alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && exit 0
  sleep 0.1
done
kill -KILL "${pids[@]}" 2>/dev/null || true
