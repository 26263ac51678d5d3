# kafka-python consumer of the fault suite (Debian's python3-kafka, /usr/bin/python3): one member of its own group
# ("fault-suite-py"), subscribed to the topic from the earliest offset, committing synchronously about every 250 ms.
# One JSON line on stdout per event:
#   {"r":[[p,o,"value"],...]}            records consumed (batched per poll)
#   {"c":[[p,o],...],"t":<epoch ms>}     a successful commit (next offsets)
#   {"ce":"<error>","t":...}             a failed commit (the consumer goes on)
#   {"fatal":"<error>"}                  an exception stopped the consumer
# Runs until stdin closes, then closes the consumer and prints {"done":true}.
# Usage: /usr/bin/python3 consumer.py BOOTSTRAP TOPIC
import json, logging, sys, threading, time

from kafka import KafkaConsumer, OffsetAndMetadata
from kafka.errors import KafkaError

bootstrap, topic = sys.argv[1], sys.argv[2]
logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format='%(asctime)s %(levelname)s %(name)s %(message)s')
stopping = threading.Event()


def out(o):
    sys.stdout.write(json.dumps(o) + '\n')
    sys.stdout.flush()


def watch_stdin():
    sys.stdin.read()
    stopping.set()


def main():
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap.split(','), client_id='fault-suite-py-consumer',
                             group_id='fault-suite-py', enable_auto_commit=False, auto_offset_reset='earliest',
                             session_timeout_ms=10000, heartbeat_interval_ms=1000, request_timeout_ms=30000,
                             metadata_max_age_ms=2000, reconnect_backoff_max_ms=500, api_version_auto_timeout_ms=10000)
    threading.Thread(target=watch_stdin, daemon=True).start()
    positions, last_commit = {}, time.time()
    while not stopping.is_set():
        batch = consumer.poll(timeout_ms=100)
        records = []
        for tp, msgs in batch.items():
            for m in msgs:
                records.append([tp.partition, m.offset, m.value.decode()])
                positions[tp] = m.offset + 1
        if records:
            out({'r': records})
        if time.time() - last_commit < 0.25 or not positions:
            continue
        last_commit = time.time()
        offsets = {tp: OffsetAndMetadata(o, '') for tp, o in positions.items()}
        try:
            consumer.commit(offsets)
            out({'c': [[tp.partition, o] for tp, o in positions.items()], 't': int(time.time() * 1000)})
            positions = {}
        except KafkaError as e:
            out({'ce': '%s: %s' % (type(e).__name__, e), 't': int(time.time() * 1000)})
    consumer.close()
    out({'done': True})


try:
    main()
except Exception as e:
    logging.exception('fatal')
    out({'fatal': '%s: %s' % (type(e).__name__, e)})
    sys.exit(2)
