#!/bin/bash
# usage: emfile.sh BROKER_DIR LABEL : broker with ulimit -n 300, 400 clients held open; CPU seconds and log growth over 10 s
set -u
dir=$1; label=$2
home=$(mktemp -d /tmp/fd-exhaustion-$label.XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf "broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:$port\nlog.dirs=$home/data\nnum.partitions=1\n" > $home/server.properties
( ulimit -n 300; BROKER_LOG_DIR=$home/logs BROKER_HOME="$(cd "$(dirname "$0")/../.." && pwd)" exec dotnet $dir/Broker.Host.dll $home/server.properties > $home/out.log 2>&1 ) &
pid=$!
for i in $(seq 1 120); do grep -q " ready: " $home/out.log && break; sleep 0.5; done
pid=$(pgrep -f "$home/server.properties" | head -1)
/usr/bin/python3 - $port $pid <<'PY'
import socket, sys, time, os
port, pid = int(sys.argv[1]), int(sys.argv[2])
def cpu():
    f = open(f"/proc/{pid}/stat").read().split(")")[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
held = []
for i in range(400):
    try: held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError: pass
c0 = cpu(); time.sleep(10); c1 = cpu()
print(f"held {len(held)} client sockets; broker fds={len(os.listdir(f'/proc/{pid}/fd'))}; broker CPU over 10 s: {c1 - c0:.2f} s")
for s in held: s.close()
time.sleep(3)
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall((4 + 2 + 5 + 4).to_bytes(4, "big") + (18).to_bytes(2, "big") + (0).to_bytes(2, "big") + (99).to_bytes(4, "big") + (5).to_bytes(2, "big") + b"probe")
s.settimeout(10)
try: print("round trip after the 400 clients left:", "ok" if len(s.recv(4)) == 4 else "closed")
except OSError as e: print("round trip failed:", e)
PY
kill -TERM $pid; sleep 3; kill -9 $pid 2>/dev/null
echo "log: $(du -sb $home/logs $home/out.log | tr '\n' ' ')"; grep -c "" $home/out.log; grep -m3 -i "descriptor\|accept" $home/out.log | cut -c1-250
