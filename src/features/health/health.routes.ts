// /healthz: the process answers. /readyz: the database answers and every migration has run.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { pendingMigrations } from '../../db/migrate.js'

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { config: { public: true } }, async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(app.db)
      const pending = await pendingMigrations(app.dbHandle)
      if (pending.length > 0) return reply.code(503).header('retry-after', '30').send({ status: 'migrations_pending', pending })
      return { status: 'ready' }
    } catch {
      return reply.code(503).header('retry-after', '5').send({ status: 'database_unavailable' })
    }
  })
}
