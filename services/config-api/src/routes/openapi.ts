import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../openapi/document.js';

/** `GET /openapi.json`. */
export function registerOpenApi(app: FastifyInstance, publicUrl: string): void {
  const doc = openApiDocument(publicUrl);
  app.get('/openapi.json', async () => doc);
}
