// The OpenAPI document: valid OpenAPI 3, covering every /api/v1 route, with the report and export
// endpoints marked as reachable with a token; and the readable documentation page.
import t from 'tap'
import { Validator } from '@seriousme/openapi-schema-validator'
import { buildTestApp } from '../fixtures/app.js'

t.test('the OpenAPI document validates and covers every /api/v1 route', async (t) => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
  t.equal(response.statusCode, 200)
  const document = response.json()
  t.match(document.openapi, /^3\./)
  const result = await new Validator().validate(document)
  t.same(result.errors ?? [], [], 'valid against the OpenAPI 3 schema')
  t.ok(result.valid)

  // every route the app serves under /api/v1, from Fastify's own route table
  const routes = app
    .printRoutes({ commonPrefix: false })
    .split('\n')
    .flatMap((line) => {
      const match = /\/?(api\/v1\/\S*) \(([A-Z, ]+)\)/.exec(line)
      if (!match) return []
      return match[2]!.split(', ').filter((m) => m !== 'HEAD').map((method) => ({ method: method.toLowerCase(), path: `/${match[1]!}`.replace(/:(\w+)/g, '{$1}') }))
    })
  t.ok(routes.length >= 14, `${routes.length} routes found`)
  for (const route of routes) t.ok(document.paths[route.path]?.[route.method], `${route.method.toUpperCase()} ${route.path} is documented`)
  t.notOk(Object.keys(document.paths).some((p) => !p.startsWith('/api/')), 'only the API is in the document')

  const overview = document.paths['/api/v1/reports/overview'].get
  t.same(overview.security, [{ apiToken: [] }, { session: [] }])
  t.ok(overview.parameters.some((p: { name: string }) => p.name === 'period'))
  t.ok(overview.responses['200'].content['application/json'].schema, 'the response schema comes from zod')
  t.notOk(document.paths['/api/v1/meeting-forms'].post.security, 'filing a form is not for tokens')
})

t.test('the documentation page lists the endpoints', async (t) => {
  const { app } = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/api/docs', headers: { 'accept-language': 'en' } })
  t.equal(page.statusCode, 200)
  t.match(page.body, '<code>GET /api/v1/exports/questions/{questionId}</code>')
  t.match(page.body, 'With a personal API token or a session.')
})
