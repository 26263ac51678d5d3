"""Manual measurement (issue 12): N connect-send-close cycles, each a Fetch v4 with max_wait_ms = 2^31-1 on an empty
partition, against a running broker; prints the broker's RSS and open descriptors before, right after, and after a
settle time."""
import os, socket, struct, sys, time

port, pid, n, topic = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def stat():
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"): rss = int(line.split()[1]) // 1024
    return rss, len(os.listdir(f"/proc/{pid}/fd"))

def s16(s): b = s.encode(); return struct.pack(">h", len(b)) + b

def fetch(corr):
    body = struct.pack(">iiiib", -1, 2**31 - 1, 1, 2**31 - 1, 0)
    body += struct.pack(">i", 1) + s16(topic) + struct.pack(">i", 1) + struct.pack(">iqi", 0, 0, 1048576)
    msg = struct.pack(">hhi", 1, 4, corr) + s16("abandon") + body
    return struct.pack(">i", len(msg)) + msg

print("before: rss=%d MiB fds=%d" % stat(), flush=True)
t0 = time.time(); failed = 0
for i in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(fetch(i + 1))
        s.close()
    except OSError:
        failed += 1
print("after %d cycles (%d failed) in %.1f s: rss=%d MiB fds=%d" % ((n, failed, time.time() - t0) + stat()), flush=True)
time.sleep(10)
print("10 s later: rss=%d MiB fds=%d" % stat(), flush=True)
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(struct.pack(">i", 4 + 2 + len("probe") + 4) + struct.pack(">hhi", 18, 0, 99) + s16("probe"))
s.settimeout(10)
try:
    data = s.recv(4)
    print("round trip on a new connection:", "ok" if len(data) == 4 else "closed")
except OSError as e:
    print("round trip on a new connection failed:", e)
