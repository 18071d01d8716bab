/**
 * The OpenAPI document (`/docs/json`) and its UI (`/docs`), generated from the zod schemas of
 * the routes. Only tagged routes are documented, which keeps admin and ops routes out.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export async function registerDocs(app: FastifyInstance, publicBaseUrl: string) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ONE CLICK MARKETING API',
        version: '1.0.0',
        description: 'Send approved WhatsApp template messages, one at a time or as campaigns, through your own Meta WhatsApp Business credentials.',
      },
      servers: [{ url: publicBaseUrl }],
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `npm run cli -- apikeys:create`.' } },
      },
      security: [{ apiKey: [] }],
    },
    hideUntagged: true,
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
