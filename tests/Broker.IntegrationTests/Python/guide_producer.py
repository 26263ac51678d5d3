"""The guide's kafka-python producer (Step 7), unchanged but for the bootstrap address and topic from argv.
Prints one line per acknowledged message: "ack <partition> <offset> <key>"."""
import json
import sys

from kafka import KafkaProducer

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

producer = KafkaProducer(
    bootstrap_servers=[bootstrap],
    value_serializer=lambda v: json.dumps(v).encode('utf-8'),
    key_serializer=lambda k: k.encode('utf-8') if k else None,
    acks='all',  # Wait for all replicas
    retries=3,
    max_in_flight_requests_per_connection=1,
    compression_type='snappy'
)

acked = []


def on_send_success(record_metadata):
    acked.append((record_metadata.partition, record_metadata.offset))


def on_send_error(exception):
    print(f"Error sending message: {exception}", file=sys.stderr)


for i in range(count):
    future = producer.send(topic, key=f'key{i}', value={'message': 'Hello Kafka', 'n': i})
    future.add_callback(on_send_success)
    future.add_errback(on_send_error)
producer.flush()
for partition, offset in acked:
    print(f"ack {partition} {offset}")
print(f"acked {len(acked)}")
