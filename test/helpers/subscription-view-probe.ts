// A SubscriptionView in its own process, as a router or delivery service would run it. Prints one
// JSON line when ready and one per applied change: {"uuid", "op", "at"} (epoch ms). Stops on SIGTERM.
import { SchemaRegistryCodec } from '@herald/events';
import { createLogger } from '@herald/logger';
import { connectDb, createMongoClient } from '@herald/mongo';
import { NotificationStore, registryChangeCodec, SubscriptionView } from '@herald/subscriptions';
import { TEST_SCHEMA_REGISTRY_URL, testKafka } from './kafka.js';
import { TEST_MONGO_URL } from './mongo.js';

const mongo = createMongoClient({ url: TEST_MONGO_URL });
const db = await connectDb(mongo, process.env['MONGO_DB'] ?? 'herald');
const logger = createLogger({ service: 'view-probe', level: 'warn', destination: process.stderr });
const view = new SubscriptionView({
  kafka: testKafka('herald-view-probe'),
  store: new NotificationStore(db),
  codec: registryChangeCodec(new SchemaRegistryCodec({ url: TEST_SCHEMA_REGISTRY_URL })),
  logger,
  groupPrefix: 'herald-test-view-probe',
  onChange: (s, op) => process.stdout.write(`${JSON.stringify({ uuid: s.uuid, op, at: Date.now() })}\n`),
});
await view.start();
process.stdout.write(`${JSON.stringify({ ready: true, at: Date.now() })}\n`);
process.once('SIGTERM', () => {
  void view.stop().finally(() => mongo.close().finally(() => process.exit(0)));
});
