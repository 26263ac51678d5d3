# R1's cluster for bench/run.sh (sourced): a ZooKeeper server (bin/zookeeper-server-start.sh, Debian's package) and
# three brokers on free loopback ports, data under $work/data/r1-*. Sets ZK_PID, CLUSTER_PIDS, CLUSTER_BOOTSTRAP.

zk_serving() { (exec 3<>/dev/tcp/127.0.0.1/"$1" && printf 'srvr' >&3 && timeout 2 cat <&3 | grep -q '^Mode:') 2>/dev/null; }

# start_cluster DIR BROKER_DLL: returns non-zero (after logging why) when ZooKeeper or a broker cannot start.
start_cluster() {
  local dir=$1 dll=$2 zkport id port
  zkport=$(free_port)
  mkdir -p "$dir/data/r1-zk" "$dir/logs"
  printf 'dataDir=%s\nclientPort=%s\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\nadmin.enableServer=false\ntickTime=500\n' \
    "$dir/data/r1-zk" "$zkport" >"$dir/r1-zookeeper.properties"
  ZK_PID=$(BROKER_LOG_DIR="$dir/logs" bash "$BENCH_ROOT/bin/zookeeper-server-start.sh" -daemon "$dir/r1-zookeeper.properties" 2>/dev/null | tail -1) \
    || { log "R1: ZooKeeper could not be started"; return 1; }
  for _ in $(seq 300); do zk_serving "$zkport" && break; sleep 0.1; done
  zk_serving "$zkport" || { log "R1: ZooKeeper did not serve on port $zkport (see $dir/logs/zookeeper.out)"; return 1; }
  CLUSTER_PIDS="" CLUSTER_BOOTSTRAP=""
  for id in 1 2 3; do
    port=$(free_port)
    cat >"$dir/r1-broker-$id.properties" <<PROPS
broker.id=$id
listeners=PLAINTEXT://127.0.0.1:$port
log.dirs=$dir/data/r1-$id
zookeeper.connect=127.0.0.1:$zkport
num.partitions=6
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
auto.create.topics.enable=false
PROPS
    BROKER_LOG_DIR="$dir/logs/r1-$id" dotnet "$dll" "$dir/r1-broker-$id.properties" >"$dir/r1-broker-$id.out" 2>&1 &
    CLUSTER_PIDS="$CLUSTER_PIDS $!"
    CLUSTER_BOOTSTRAP="${CLUSTER_BOOTSTRAP:+$CLUSTER_BOOTSTRAP,}127.0.0.1:$port"
  done
  for id in 1 2 3; do
    for _ in $(seq 900); do grep -q ' ready: ' "$dir/r1-broker-$id.out" 2>/dev/null && break; sleep 0.1; done
    grep -q ' ready: ' "$dir/r1-broker-$id.out" || { log "R1: broker $id did not become ready (see $dir/r1-broker-$id.out)"; return 1; }
  done
  log "R1: ZooKeeper pid $ZK_PID on 127.0.0.1:$zkport; brokers$CLUSTER_PIDS on $CLUSTER_BOOTSTRAP"
}

stop_cluster() {
  local pid
  for pid in ${CLUSTER_PIDS:-}; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in ${CLUSTER_PIDS:-}; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -n "${ZK_PID:-}" ] && { kill -KILL "$ZK_PID" 2>/dev/null || true; wait "$ZK_PID" 2>/dev/null || true; }
  CLUSTER_PIDS="" ZK_PID=""
}

# create_replicated_topic TOPIC: 6 partitions, RF 3, min.insync.replicas=2 through bin/topics' tool, then waits until
# every partition reports three in-sync replicas. Returns non-zero with the tool's message when that is refused.
create_replicated_topic() {
  local topic=$1 out
  out=$(dotnet "$cli_dll" topics --create --topic "$topic" --partitions 6 --replication-factor 3 --config min.insync.replicas=2 \
    --bootstrap-server "$CLUSTER_BOOTSTRAP" 2>&1) || { R1_SKIP_REASON="topic with replication factor 3 refused: $(echo "$out" | head -1)"; return 1; }
  for _ in $(seq 60); do
    out=$(dotnet "$cli_dll" topics --describe --topic "$topic" --bootstrap-server "$CLUSTER_BOOTSTRAP" 2>&1) || true
    [ "$(echo "$out" | grep -cE 'Leader: [0-9]+.*Isr: [0-9]+,[0-9]+,[0-9]+$')" = 6 ] && return 0
    sleep 0.5
  done
  R1_SKIP_REASON="the ISR of $topic did not fill up: $out"
  return 1
}
