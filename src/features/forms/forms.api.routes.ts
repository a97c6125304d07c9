// JSON API of the statistics form: the definition (for clients and the codebook), filing a form
// with an Idempotency-Key, and the session's CSRF token for cookie-authenticated clients.
import type { FastifyInstance } from 'fastify'
import { parseIdempotencyKey } from '../../lib/idempotency-key.js'
import { formDefinition } from './definition.js'
import { submitMeetingForm } from './forms.service.js'

const filers = { roles: ['expert', 'admin'] as const }

export async function formsApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/v1/session', async (request, reply) => {
    const actor = request.actor!
    return { user: { id: actor.userId, name: actor.name, role: actor.role, teamId: actor.teamId }, csrfToken: reply.generateCsrf() }
  })

  app.get('/api/v1/form-definition', async () => formDefinition)

  app.post('/api/v1/meeting-forms', { config: filers }, async (request, reply) => {
    const key = parseIdempotencyKey(request.headers['idempotency-key'], 'Idempotency-Key')
    const filed = await submitMeetingForm(app.deps, request.actor!, request.body, key)
    return reply.code(201).header('location', `/forms/${filed.id}`).send({ id: filed.id, createdAt: filed.createdAt.toISOString() })
  })
}
