// The API's documentation: the OpenAPI 3 document at /api/docs/openapi.json, and a readable page at
// /api/docs listing every endpoint with its parameters, drawn from the same document.
import type { FastifyInstance } from 'fastify'

interface OpenApiParameter {
  name: string
  in: string
  required?: boolean
  schema?: { enum?: unknown[]; type?: string }
}
interface OpenApiOperation {
  summary?: string
  tags?: string[]
  parameters?: OpenApiParameter[]
  security?: Record<string, unknown>[]
  responses?: Record<string, unknown>
}
type OpenApiDocument = { paths?: Record<string, Record<string, OpenApiOperation>> }

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

export async function apiDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/docs/openapi.json', { config: { public: true } }, async () => app.swagger())

  app.get('/api/docs', { config: { public: true } }, async (_request, reply) => {
    const document = app.swagger() as unknown as OpenApiDocument
    const endpoints = Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
      METHODS.filter((m) => operations[m]).map((method) => {
        const operation = operations[method]!
        return {
          method: method.toUpperCase(),
          path,
          summary: operation.summary ?? '',
          token: (operation.security ?? []).some((s) => 'apiToken' in s),
          parameters: (operation.parameters ?? []).map((p) => ({
            name: p.name,
            in: p.in,
            required: Boolean(p.required),
            values: p.schema?.enum?.map(String).join(', ') ?? '',
          })),
        }
      }),
    )
    endpoints.sort((a, b) => Number(b.token) - Number(a.token) || a.path.localeCompare(b.path))
    return reply.page('api-docs/index', { titleKey: 'api_docs.title', endpoints, publicUrl: app.config.publicUrl })
  })
}
