// `npm start`: installs dependencies when missing, provisions and starts the local stack (Kafka,
// schema registry, FerretDB) and prints where everything is.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDeps(root);
const r = spawnSync(process.execPath, [join(root, 'scripts', 'stack.mjs'), 'up'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`
Herald's local stack is up:
  Kafka            127.0.0.1:${process.env.KAFKA_PORT ?? 9092}
  Schema registry  http://127.0.0.1:${process.env.REGISTRY_PORT ?? 8081}/apis/ccompat/v7
  MongoDB (FerretDB) mongodb://127.0.0.1:${process.env.MONGO_PORT ?? 27017}/

Publish an event:   npx herald emit repo_push --repository acme/app --tags latest
Run a service:      npm start -w @herald/router     (or @herald/config-api)
Stop the stack:     npm run stack -- down`);
