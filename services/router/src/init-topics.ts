// One-shot init step for deployments: creates every Herald topic that is missing, with its explicit
// partitions, retention and compaction (topicSpecs), then exits. Auto-create stays off.
import { commonShape, int, parseConfig } from '@herald/config';
import { createKafka, ensureTopics, topicSpecs } from '@herald/kafka';
import { createLogger } from '@herald/logger';

const config = parseConfig({ ...commonShape, RETRY_LEVELS: int(6, 1, 20) });
const logger = createLogger({ service: 'init-topics', level: config.LOG_LEVEL });
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-init`, logger });
const created = await ensureTopics(kafka, topicSpecs(config.RETRY_LEVELS));
logger.info({ created }, 'topics ready');
