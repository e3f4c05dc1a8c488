// Exits 0 when the broker at KAFKA_BROKERS answers a metadata request, else 1.
// infra/stack.sh polls it while Kafka starts: an open port alone does not mean the broker
// has caught up with its metadata and can serve clients.
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

const admin = new Kafka({
  clientId: 'playhead-stack-ready',
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 2000,
  retry: { retries: 0 },
}).admin();

try {
  await admin.connect();
  const { brokers: live } = await admin.describeCluster();
  if (live.length === 0) throw new Error('metadata lists no broker');
  process.exitCode = 0;
} catch (error) {
  console.error(`kafka not ready at ${brokers.join(',')}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await admin.disconnect().catch(() => {});
}
