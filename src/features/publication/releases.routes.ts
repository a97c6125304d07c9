// The list of releases (every logged-in user: what has been published, up to which month and when),
// and a national administrator's "make a release now".
import type { FastifyInstance } from 'fastify'
import { translate } from '../../i18n/index.js'
import { monthLabel } from '../forms/form-view.js'
import { formatDay } from '../reports/report-publication.js'
import { listReleases } from './publication.repository.js'
import { makeRelease } from './release.service.js'

const adminOnly = { roles: ['admin'] as const, rateLimit: { max: 10, timeWindow: '1 hour' } }

export async function releasesRoutes(app: FastifyInstance): Promise<void> {
  app.get('/reports/releases', async (request, reply) => {
    const releases = (await listReleases(app.deps.db)).map((r) => ({
      id: r.id,
      through: monthLabel(r.throughMonth, request.lang),
      madeAt: formatDay(r.madeAt, request.lang),
      madeBy: translate(request.lang, `reports.releases.made_by_${r.madeHow}`),
    }))
    const { made } = request.query as { made?: string }
    return reply.page('reports/releases', {
      titleKey: 'reports.pages.releases',
      releases,
      made: made && /^\d{1,9}$/.test(made) ? made : null,
      mayMake: request.actor?.role === 'admin',
      releaseDay: app.deps.config.publication.releaseDay,
    })
  })

  app.post('/reports/releases', { config: adminOnly }, async (request, reply) => {
    const made = await makeRelease(app.deps, { now: app.deps.clock.now(), madeBy: request.actor!.userId })
    return reply.redirect(`/reports/releases?made=${made!.id}`, 303)
  })
}
