// The OpenAPI 3 document of the JSON API, generated from the routes' zod schemas by
// @fastify/swagger. Registered before the routes so that it sees them; only /api/ routes appear.
import swagger from '@fastify/swagger'
import fp from 'fastify-plugin'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'

export const openApiPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Anchor statistics extranet API',
          version: '1',
          description:
            'Aggregate reports and exports of the Anchor statistics extranet. A team’s own figures are exact and live; everything beyond one’s own team comes from the latest release, where counts about young people are protected with the cell-key method (docs/disclosure.md). A count is { "status": "published", "value": n } or { "status": "withheld", "value": null }; every answer names its source, release and method in `publication`, and a table that is not published for the filters comes with a `notice`. Report and export endpoints accept a personal API token (Authorization: Bearer …); every other endpoint needs a browser session and, for writes, the CSRF token from GET /api/v1/session in X-CSRF-Token.',
        },
        servers: [{ url: app.config.publicUrl }],
        components: {
          securitySchemes: {
            apiToken: { type: 'http', scheme: 'bearer', description: 'A personal API token from /account/tokens (researchers and administrators).' },
            session: { type: 'apiKey', in: 'cookie', name: 'anchor_session', description: 'The browser session after a strong login.' },
          },
        },
        security: [{ session: [] }],
      },
      transform: (input) => (input.url.startsWith('/api/') && !input.url.startsWith('/api/docs') ? jsonSchemaTransform(input) : { schema: { hide: true }, url: input.url }),
    })
  },
  { name: 'openapi', dependencies: ['deps'] },
)
