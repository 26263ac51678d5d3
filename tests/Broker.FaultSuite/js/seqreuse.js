// Issue 11 repro (manual, not part of CI): a produce response lost after the broker stored the batch makes kafkajs
// 2.2.4 roll its sequence back, and the next concurrent send reuses the sequence with other records. Usage (after
// npm install here): node seqreuse.js <proxyPort> <brokerPort> <topic>, with the broker's advertised.listeners set
// to localhost:<proxyPort>. Before the fix one send was acknowledged at the other's offset and never stored; now it
// fails with INVALID_RECORD.
const net = require('net')
const { Kafka, logLevel } = require('kafkajs')
const [proxyPort, brokerPort, topic] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]]
let armed = false, dropped = false
net.createServer(client => {
  const upstream = net.connect(brokerPort, '127.0.0.1')
  let buf = Buffer.alloc(0), blackhole = false
  client.on('data', d => {
    upstream.write(d)
    buf = Buffer.concat([buf, d])
    while (buf.length >= 6) {
      const size = buf.readInt32BE(0)
      if (buf.length < 4 + size) break
      const apiKey = buf.readInt16BE(4)
      buf = buf.subarray(4 + size)
      if (apiKey === 0 && armed && !dropped) {
        dropped = true; blackhole = true
        setTimeout(() => { client.destroy(); upstream.destroy() }, 300)
      }
    }
  })
  upstream.on('data', d => { if (!client.destroyed && !blackhole) client.write(d) })
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
  const sends = ['A', 'B'].map(v => producer.send({ topic, acks: -1, messages: [{ partition: 0, value: v }] })
    .then(r => `${v}: acknowledged at offset ${r[0].baseOffset}`, e => `${v}: FAILED ${e.name}: ${e.message}`))
  for (const line of await Promise.all(sends)) console.log(line)
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId: 'g-' + topic })
  await consumer.connect(); await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await new Promise(resolve => {
    consumer.run({ eachMessage: async ({ message }) => { seen.push(`${message.offset}=${message.value}`) } })
    setTimeout(resolve, 4000)
  })
  console.log('log:', seen.join(' '))
  await consumer.disconnect(); process.exit(0)
}
