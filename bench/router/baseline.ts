// The router benchmark's baseline: a bare kafkajs consume → transactional produce pipe over the same
// events (no decode, no lookup), one message out per message in. Run as its own process.
import { createKafka, createTransactionalPipe, ensureTopics, PARTITIONS, TOPICS } from '@herald/kafka';
import { createLogger } from '@herald/logger';

const groupId = process.env['BENCH_GROUP_ID'] ?? 'herald-bench-baseline';
const logger = createLogger({ service: 'bench-baseline', level: 'warn' });
const kafka = createKafka({ brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: 'herald-bench-baseline', logger });
await ensureTopics(kafka, [{ name: TOPICS.benchSink, partitions: PARTITIONS.jobs, config: { 'retention.ms': String(3_600_000) } }]);
const pipe = createTransactionalPipe({
  kafka,
  logger,
  groupId,
  topic: TOPICS.repositoryEvents,
  transactionalId: `${groupId}-0`,
  onFatal: (err) => {
    logger.fatal({ err }, 'baseline consumer crashed');
    process.exit(1);
  },
  transform: (messages) => [{ topic: TOPICS.benchSink, messages: messages.map((m) => ({ key: m.key, value: m.value })) }],
});
process.on('SIGTERM', () => void pipe.stop().then(() => process.exit(0)));
await pipe.start();
console.log('baseline ready');
