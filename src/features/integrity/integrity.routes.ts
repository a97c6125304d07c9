// The administrators' integrity page: the latest signed checkpoint and the public key, a button
// that makes a checkpoint now, and the checkpoint as a JSON file to keep outside the service.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { parseInput } from '../../lib/parse-input.js'
import { renderFormWithError } from '../../plugins/views.js'
import { checkpointNow, integrityOverview, latestCheckpointDownload } from './integrity-admin.service.js'

const adminOnly = { roles: ['admin'] as const }
const pageQuery = z.object({ done: z.enum(['made']).optional() })

export async function integrityRoutes(app: FastifyInstance): Promise<void> {
  const page = async () => ({ titleKey: 'integrity.title', returnPath: '/admin/integrity', ...(await integrityOverview(app.deps)) })

  app.get('/admin/integrity', { config: adminOnly }, async (request, reply) => {
    const { done } = parseInput(pageQuery, request.query)
    return reply.page('admin/integrity', { ...(await page()), done })
  })

  app.post('/admin/integrity/checkpoint', { config: adminOnly }, async (request, reply) => {
    try {
      await checkpointNow(app.deps, request.actor!.userId)
      return reply.redirect('/admin/integrity?done=made', 303)
    } catch (error) {
      return renderFormWithError(reply, 'admin/integrity', await page(), error)
    }
  })

  app.get('/admin/integrity/checkpoint.json', { config: adminOnly }, async (_request, reply) => {
    const file = await latestCheckpointDownload(app.deps)
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'no-store')
      .send(file.body)
  })
}
