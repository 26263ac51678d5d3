// kafkajs workload of the fault suite: an idempotent acks=all producer sending "js-<n>" to partition n % partitions
// at a fixed rate with a bounded number of sends in flight. Every outcome is printed as one JSON line on stdout:
//   {"v":"js-7","p":1,"o":42,"t":<epoch ms>}      acknowledged at partition p, offset o
//   {"v":"js-7","p":1,"err":"<message>","t":...}   the send failed (after kafkajs' own retries)
// Runs until stdin closes or SIGTERM, then waits for outstanding sends and prints {"done":true}.
// Usage: node producer.js BOOTSTRAP TOPIC PARTITIONS RATE_PER_S IN_FLIGHT
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, partitionsArg, rateArg, inFlightArg] = process.argv.slice(2);
const partitions = Number(partitionsArg), rate = Number(rateArg), maxInFlight = Number(inFlightArg || 5);
const kafka = new Kafka({
  clientId: 'fault-suite-js', brokers: bootstrap.split(','), connectionTimeout: 3000, requestTimeout: 10000,
  retry: { retries: 1000, initialRetryTime: 100, maxRetryTime: 1000 },
  logLevel: logLevel.WARN,
  logCreator: () => ({ level, log }) => process.stderr.write(`${new Date().toISOString()} ${level} ${log.message} ${JSON.stringify(log)}\n`),
});
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: maxInFlight, allowAutoTopicCreation: false });

let stopping = false, next = 0, inFlight = 0;
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
process.stdin.on('end', () => { stopping = true; });
process.stdin.resume();
process.on('SIGTERM', () => { stopping = true; });

async function sendOne(n) {
  const value = `js-${n}`, partition = n % partitions;
  try {
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ value, partition }] });
    out({ v: value, p: meta.partition, o: Number(meta.baseOffset), t: Date.now() });
  } catch (e) {
    out({ v: value, p: partition, err: String(e && e.message || e), t: Date.now() });
  } finally {
    inFlight--;
  }
}

(async () => {
  await producer.connect();
  const start = Date.now();
  while (!stopping) {
    const due = Math.floor((Date.now() - start) * rate / 1000);
    while (!stopping && next < due && inFlight < maxInFlight) { inFlight++; sendOne(next++); }
    await new Promise(r => setTimeout(r, 5));
  }
  const deadline = Date.now() + 60000;
  while (inFlight > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
  out({ done: true, sent: next, unresolved: inFlight });
  await producer.disconnect().catch(() => {});
  process.exit(0);
})().catch(e => { process.stderr.write(`fatal: ${e && e.stack || e}\n`); out({ fatal: String(e) }); process.exit(2); });
