// The baseline of bench:ingest, its own process: a bare Fastify server whose handler does nothing
// (Fastify's own JSON parsing, then 202). Prints its port on stdout.
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';

const app = Fastify({ logger: false });
app.addContentTypeParser('application/vnd.docker.distribution.events.v2+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
app.post('/v1/distribution/events', async (_req, reply) => reply.code(202).send({}));
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(String((app.server.address() as AddressInfo).port));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
