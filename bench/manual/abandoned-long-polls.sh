#!/bin/bash
# usage: run.sh BROKER_DIR N LABEL
set -u
dir=$1; n=$2; label=$3
home=$(mktemp -d /tmp/abandon-$label.XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > $home/server.properties <<P
broker.id=0
listeners=PLAINTEXT://127.0.0.1:$port
log.dirs=$home/data
num.partitions=1
P
BROKER_LOG_DIR=$home/logs BROKER_HOME="$(cd "$(dirname "$0")/../.." && pwd)" dotnet $dir/Broker.Host.dll $home/server.properties > $home/out.log 2>&1 &
pid=$!
for i in $(seq 1 120); do grep -q " ready: " $home/out.log && break; sleep 0.5; done
/usr/bin/python3 - <<PY
from kafka.admin import KafkaAdminClient, NewTopic
a = KafkaAdminClient(bootstrap_servers="127.0.0.1:$port"); a.create_topics([NewTopic("abandon", 1, 1)]); a.close()
PY
/usr/bin/python3 "$(dirname "$0")/abandon.py" $port $pid $n abandon
t0=$(date +%s.%N); kill -TERM $pid; timeout 60 tail --pid=$pid -f /dev/null; t1=$(date +%s.%N)
echo "SIGTERM to exit: $(echo "$t1 - $t0" | bc) s (alive after 60 s: $(kill -0 $pid 2>/dev/null && echo yes || echo no))"
kill -9 $pid 2>/dev/null
echo "log size: $(du -sh $home/logs $home/out.log 2>/dev/null | tr '\n' ' ')"
