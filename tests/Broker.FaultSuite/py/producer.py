# kafka-python workload of the fault suite (Debian's python3-kafka, run with /usr/bin/python3): an acks=all producer
# sending "py-<n>" to partition n % partitions at a fixed rate. kafka-python 2.0.2 has no idempotent producer, so it
# runs with retries and max_in_flight_requests_per_connection=1: order is kept, but a retried batch that the broker
# had already appended is stored twice (expected; reported apart from broker faults).
# Every outcome is one JSON line on stdout, as js/producer.js:
#   {"v":"py-7","p":1,"o":42,"t":<epoch ms>}      acknowledged at partition p, offset o
#   {"v":"py-7","p":1,"err":"<error>","t":...}    the send failed (after kafka-python's own retries)
#   {"fatal":"<error>"}                           an exception stopped the producer
# Runs until stdin closes, then flushes and prints {"done":true,"unresolved":N}.
# Usage: /usr/bin/python3 producer.py BOOTSTRAP TOPIC PARTITIONS RATE_PER_S
import json, logging, sys, threading, time

from kafka import KafkaProducer

bootstrap, topic, partitions, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format='%(asctime)s %(levelname)s %(name)s %(message)s')
lock = threading.Lock()
state = {'unresolved': 0}
stopping = threading.Event()


def out(o):
    with lock:
        sys.stdout.write(json.dumps(o) + '\n')
        sys.stdout.flush()


def now_ms():
    return int(time.time() * 1000)


def watch_stdin():
    sys.stdin.read()
    stopping.set()


def send(producer, n):
    value, partition = 'py-%d' % n, n % partitions
    with lock:
        state['unresolved'] += 1

    def ok(meta):
        out({'v': value, 'p': meta.partition, 'o': meta.offset, 't': now_ms()})
        with lock:
            state['unresolved'] -= 1

    def failed(e):
        out({'v': value, 'p': partition, 'err': '%s: %s' % (type(e).__name__, e), 't': now_ms()})
        with lock:
            state['unresolved'] -= 1

    producer.send(topic, value=value.encode(), partition=partition).add_callback(ok).add_errback(failed)


def main():
    # retries: effectively unbounded; request_timeout_ms also bounds how long a batch may wait for a leader
    # (kafka-python expires it after that), so it is longer than an election.
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(','), client_id='fault-suite-py', acks='all',
                             retries=2147483647, max_in_flight_requests_per_connection=1, linger_ms=5,
                             request_timeout_ms=30000, retry_backoff_ms=100, reconnect_backoff_max_ms=500,
                             metadata_max_age_ms=2000, api_version_auto_timeout_ms=10000)
    threading.Thread(target=watch_stdin, daemon=True).start()
    start, n = time.time(), 0
    while not stopping.is_set():
        due = int((time.time() - start) * rate)
        while n < due and not stopping.is_set():
            send(producer, n)
            n += 1
        time.sleep(0.005)
    producer.flush(timeout=60)
    with lock:
        unresolved = state['unresolved']
    out({'done': True, 'sent': n, 'unresolved': unresolved})
    producer.close(timeout=5)


try:
    main()
except Exception as e:  # an exception that stops the client is what the checks look for
    logging.exception('fatal')
    out({'fatal': '%s: %s' % (type(e).__name__, e)})
    sys.exit(2)
