"""The guide's kafka-python consumer settings (value_deserializer, auto_offset_reset='earliest'), reading every
partition by assignment (no group). Prints "msg <partition> <offset> <key> <n>" per message and stops after count."""
import json
import sys

from kafka import KafkaConsumer, TopicPartition

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

consumer = KafkaConsumer(
    bootstrap_servers=[bootstrap],
    value_deserializer=lambda m: json.loads(m.decode('utf-8')),
    auto_offset_reset='earliest',
    enable_auto_commit=False,
    consumer_timeout_ms=20000,
)
partitions = consumer.partitions_for_topic(topic)
consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
seen = 0
for message in consumer:
    print(f"msg {message.partition} {message.offset} {message.key.decode()} {message.value['n']}")
    seen += 1
    if seen >= count:
        break
consumer.close()
print(f"consumed {seen}")
