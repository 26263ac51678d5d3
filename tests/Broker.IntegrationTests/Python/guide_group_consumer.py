"""The guide's kafka-python group consumers. mode 'auto': group_id with enable_auto_commit=True and
auto_commit_interval_ms=1000 (Step 8); mode 'manual': enable_auto_commit=False and consumer.commit() after each
message (Advanced Consumer Configuration). Prints "msg <partition> <offset> <n>" per message; stops after `count`
messages or when nothing arrives for `idle_ms`, then closes (auto mode commits on close) and prints "consumed <k>".
usage: guide_group_consumer.py BOOTSTRAP TOPIC GROUP MODE COUNT [IDLE_MS]"""
import json
import sys

from kafka import KafkaConsumer

bootstrap, topic, group, mode, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
idle_ms = int(sys.argv[6]) if len(sys.argv) > 6 else 8000

if mode == 'auto':
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=[bootstrap],
        group_id=group,
        value_deserializer=lambda m: json.loads(m.decode('utf-8')),
        auto_offset_reset='earliest',
        enable_auto_commit=True,
        auto_commit_interval_ms=1000,
        consumer_timeout_ms=idle_ms,
    )
else:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=[bootstrap],
        group_id=group,
        value_deserializer=lambda m: json.loads(m.decode('utf-8')),
        auto_offset_reset='earliest',
        enable_auto_commit=False,
        max_poll_records=100,
        session_timeout_ms=30000,
        heartbeat_interval_ms=3000,
        fetch_max_wait_ms=500,
        consumer_timeout_ms=idle_ms,
    )

seen = 0
try:
    for message in consumer:
        print(f"msg {message.partition} {message.offset} {message.value['n']}", flush=True)
        if mode != 'auto':
            consumer.commit()
        seen += 1
        if seen >= count:
            break
finally:
    consumer.close()
print(f"consumed {seen}", flush=True)
