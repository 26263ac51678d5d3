#!/usr/bin/env bash
# Starts a real Apache ZooKeeper server, like Kafka's zookeeper-server-start.sh.
# Usage: bin/zookeeper-server-start.sh [-daemon] config/zookeeper.properties
# ZooKeeper is found through $ZOOKEEPER_HOME, zkServer.sh on PATH, or Debian's zookeeper package; when none is there
# and this runs as root with apt, the package is installed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { echo "USAGE: $0 [-daemon] zookeeper.properties" >&2; exit 1; }
daemon=0; config=""
while [ $# -gt 0 ]; do
  case "$1" in
    -daemon|--daemon) daemon=1; shift ;;
    -h|--help) usage ;;
    *) [ -z "$config" ] || usage; config="$1"; shift ;;
  esac
done
[ -n "$config" ] || usage
[ -f "$config" ] || die "config file '$config' not found"
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"

classpath=""
if [ -n "${ZOOKEEPER_HOME:-}" ] && ls "$ZOOKEEPER_HOME"/lib/*.jar >/dev/null 2>&1; then
  classpath="$(ls "$ZOOKEEPER_HOME"/*.jar "$ZOOKEEPER_HOME"/lib/*.jar 2>/dev/null | tr '\n' ':')"
elif command -v zkServer.sh >/dev/null 2>&1; then
  home="$(cd "$(dirname "$(command -v zkServer.sh)")/.." && pwd)"
  classpath="$(ls "$home"/*.jar "$home"/lib/*.jar 2>/dev/null | tr '\n' ':')"
fi
if [ -z "$classpath" ] && [ ! -f /usr/share/java/zookeeper.jar ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ZooKeeper is not installed; installing Debian's zookeeper package ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zookeeper >/dev/null || die "installing zookeeper failed"
  else
    die "ZooKeeper is not installed: run 'sudo apt-get install zookeeper' or set ZOOKEEPER_HOME to an unpacked ZooKeeper 3.8"
  fi
fi
if [ -z "$classpath" ]; then
  classpath="/usr/share/java/zookeeper.jar"
  [ -f /usr/share/java/slf4j-simple.jar ] && classpath="$classpath:/usr/share/java/slf4j-simple.jar"
fi
command -v java >/dev/null 2>&1 || die "java is not on PATH (ZooKeeper needs Java 11 or later)"

datadir=$(sed -n 's/^[[:space:]]*dataDir[[:space:]]*=[[:space:]]*//p' "$config" | tail -1)
[ -n "$datadir" ] && mkdir -p "$datadir"
cmd=(java -Xmx512m -Dzookeeper.admin.enableServer=false -cp "$classpath" org.apache.zookeeper.server.quorum.QuorumPeerMain "$config")
if [ "$daemon" = 1 ]; then
  logdir="${BROKER_LOG_DIR:-$BROKER_HOME/logs}"; mkdir -p "$logdir"
  nohup "${cmd[@]}" > "$logdir/zookeeper.out" 2>&1 < /dev/null &
  echo "$!"
  echo "ZooKeeper started in the background (pid $!); output in $logdir/zookeeper.out" >&2
else
  exec "${cmd[@]}"
fi
