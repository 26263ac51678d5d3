// Issue 11 check: a produce response lost after the broker stored the batch makes kafkajs 2.2.4 roll its sequence
// back, and the next concurrent send reuses the sequence with other records. Usage (after npm install here):
// node seqreuse.js <proxyPort> <brokerPort> <topic>, with the broker's advertised.listeners set to
// localhost:<proxyPort> (tests/Broker.IntegrationTests/Clients/KafkajsSequenceReuseTests runs it). History: Kafka's
// answer (success with the stored offset) acknowledged one send at the other's offset and never stored it; INVALID_RECORD
// (87) failed that send; CORRUPT_MESSAGE (2, retriable) makes kafkajs retry it with a fresh sequence. Exit code 0 only
// when both sends are acknowledged, the reuse really happened (a refused or falsely acknowledged send) and the log
// holds warmup, A and B exactly once each, at their acknowledged offsets.
const net = require('net')
const { Kafka, logLevel } = require('kafkajs')
const [proxyPort, brokerPort, topic] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]]
let armed = false, dropped = false
const refused = [] // error codes of produce answers (after arming): the broker's answers to the reused sequence
net.createServer(client => {
  const upstream = net.connect(brokerPort, '127.0.0.1')
  let buf = Buffer.alloc(0), answers = Buffer.alloc(0), blackhole = false
  const produceIds = new Set() // correlation ids of this connection's produce requests
  client.on('data', d => {
    upstream.write(d)
    buf = Buffer.concat([buf, d])
    while (buf.length >= 6) {
      const size = buf.readInt32BE(0)
      if (buf.length < 4 + size) break
      const apiKey = buf.readInt16BE(4)
      if (apiKey === 0) produceIds.add(buf.readInt32BE(8))
      buf = buf.subarray(4 + size)
      if (apiKey === 0 && armed && !dropped) {
        dropped = true; blackhole = true
        setTimeout(() => { client.destroy(); upstream.destroy() }, 300)
      }
    }
  })
  upstream.on('data', d => {
    if (!client.destroyed && !blackhole) client.write(d)
    answers = Buffer.concat([answers, d])
    while (answers.length >= 8 && answers.length >= 4 + answers.readInt32BE(0)) {
      const frame = answers.subarray(4, 4 + answers.readInt32BE(0))
      answers = answers.subarray(4 + frame.length)
      // Produce v3..v8 answer, one topic, one partition: correlation id, [topic name, [partition, error_code ...]]
      if (armed && produceIds.has(frame.readInt32BE(0))) {
        const nameLength = frame.readInt16BE(8)
        const errorCode = frame.readInt16BE(10 + nameLength + 4 + 4)
        if (errorCode !== 0) refused.push(errorCode)
      }
    }
  })
  client.on('error', () => upstream.destroy()); upstream.on('error', () => client.destroy())
  client.on('close', () => upstream.destroy()); upstream.on('close', () => client.destroy())
}).listen(proxyPort, '127.0.0.1', run)

async function run() {
  const kafka = new Kafka({ brokers: [`localhost:${proxyPort}`], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 300 } })
  const admin = kafka.admin(); await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })
  await admin.disconnect()
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'warmup' }] })
  armed = true
  const acked = {}, failed = []
  const sends = ['A', 'B'].map(v => producer.send({ topic, acks: -1, messages: [{ partition: 0, value: v }] })
    .then(r => { acked[v] = r[0].baseOffset; return `${v}: acknowledged at offset ${r[0].baseOffset}` },
      e => { failed.push(v); return `${v}: FAILED ${e.name}: ${e.message}` }))
  for (const line of await Promise.all(sends)) console.log(line)
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId: 'g-' + topic })
  await consumer.connect(); await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await new Promise(resolve => {
    consumer.run({ eachMessage: async ({ message }) => {
      seen.push({ offset: message.offset, value: String(message.value) })
      if (seen.length >= 3) setTimeout(resolve, 500) // a fourth (duplicate) record would arrive with these
    } })
    setTimeout(resolve, 15000)
  })
  console.log('log:', seen.map(m => `${m.offset}=${m.value}`).join(' '))
  console.log('refused:', refused.join(' ') || 'none')
  await consumer.disconnect()
  const problems = []
  if (!dropped) problems.push('no produce answer was dropped')
  if (refused.length === 0) problems.push('the broker never saw a reused sequence (the race did not happen)')
  for (const v of failed) problems.push(`${v} failed`)
  for (const v of ['warmup', 'A', 'B']) {
    const at = seen.filter(m => m.value === v)
    if (at.length !== 1) problems.push(`${v} stored ${at.length} times`)
    else if (v in acked && at[0].offset !== String(acked[v])) problems.push(`${v} acknowledged at ${acked[v]} but stored at ${at[0].offset}`)
  }
  console.log(problems.length === 0 ? 'OK' : 'PROBLEMS: ' + problems.join('; '))
  process.exit(problems.length === 0 ? 0 : 1)
}
