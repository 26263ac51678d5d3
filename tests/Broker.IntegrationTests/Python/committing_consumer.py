"""A group member that commits synchronously after every message (confluent_kafka on Debian's librdkafka), run as
a child process so a test can kill -9 it. Prints "assigned <p,...>", "msg <partition> <offset>" and
"committed <partition> <next offset>" lines, flushed at once. Runs until killed.
usage: committing_consumer.py BOOTSTRAP TOPIC GROUP SESSION_TIMEOUT_MS"""
import sys

from confluent_kafka import Consumer

bootstrap, topic, group, session_ms = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


def on_assign(consumer, partitions):
    print("assigned " + ",".join(str(p.partition) for p in partitions), flush=True)


consumer = Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'client.id': 'killable',
    'session.timeout.ms': int(session_ms),
    'heartbeat.interval.ms': 500,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': False,
})
consumer.subscribe([topic], on_assign=on_assign)
while True:
    msg = consumer.poll(0.2)
    if msg is None or msg.error():
        continue
    print(f"msg {msg.partition()} {msg.offset()}", flush=True)
    consumer.commit(message=msg, asynchronous=False)
    print(f"committed {msg.partition()} {msg.offset() + 1}", flush=True)
