import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from './free-port.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A single-node Kafka (KRaft) of a test's own, started from the jars infra/stack.sh
 * cached, on free ports with its data in a temp folder. A test may kill and restart it;
 * the shared broker at 9092 is never touched.
 */
export interface DisposableKafka {
  readonly brokers: string;
  /** SIGTERM is a controlled shutdown; SIGKILL a crash (log recovery on the next start). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the broker again on the same ports and data, and waits until it answers. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** The folder of Kafka's jars: the stack's link to it, or the newest complete cache entry. */
function kafkaJars(): string {
  const linked = join(ROOT, '.stack/kafka/lib');
  if (existsSync(join(linked, '.complete'))) return linked;
  const cache = process.env.PLAYHEAD_CACHE ?? join(homedir(), '.cache/playhead');
  const found = existsSync(cache)
    ? readdirSync(cache)
        .filter((d) => d.startsWith('kafka-') && existsSync(join(cache, d, '.complete')))
        .sort()
    : [];
  if (found.length === 0) {
    throw new Error(`no cached Kafka jars in ${cache}; run npm run stack:up once to fetch them`);
  }
  return join(cache, found[found.length - 1]!);
}

/** A cluster id as Kafka writes them: 16 random bytes, base64url, not starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function answers(brokers: string): Promise<boolean> {
  const kafka = new Kafka({
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function startDisposableKafka(): Promise<DisposableKafka> {
  const jars = kafkaJars();
  const dir = mkdtempSync(join(tmpdir(), 'playhead-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const brokers = `127.0.0.1:${port}`;
  const properties = join(dir, 'server.properties');
  const log4j = join(dir, 'log4j2.properties');

  writeFileSync(
    properties,
    `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${brokers},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://${brokers}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${join(dir, 'data')}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
`,
  );
  writeFileSync(
    log4j,
    `name = disposable-kafka
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${join(dir, 'server.log')}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
`,
  );
  const java = [
    '-cp',
    `${jars}/*`,
    '-Xms128m',
    '-Xmx384m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-Dplayhead.component=disposable-kafka',
  ];

  const format = spawnSync(
    'java',
    [...java, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', properties],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (format.status !== 0) {
    throw new Error(`formatting the disposable Kafka failed: ${format.stderr || format.stdout}`);
  }

  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    if (child) return;
    const out = openSync(join(dir, 'stdout.log'), 'a');
    const broker = spawn('java', [...java, 'kafka.Kafka', properties], {
      stdio: ['ignore', out, out],
    });
    child = broker;
    broker.once('exit', () => {
      if (child === broker) child = null;
    });
    const deadline = Date.now() + 60_000;
    while (!(await answers(brokers))) {
      if (!child) throw new Error(`the disposable Kafka exited while starting; see ${dir}`);
      if (Date.now() > deadline)
        throw new Error(`the disposable Kafka did not answer in 60 s; see ${dir}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const broker = child;
    if (!broker) return;
    const exited = once(broker, 'exit');
    broker.kill(signal);
    const timer = setTimeout(() => broker.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    brokers,
    stop,
    start,
    async destroy() {
      await stop('SIGKILL');
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
