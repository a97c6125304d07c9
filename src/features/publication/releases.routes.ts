// The list of releases (every logged-in user: what has been published, up to which month and when),
// and a national administrator's "make a release now".
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { translate } from '../../i18n/index.js'
import { monthLabel } from '../forms/form-view.js'
import { formatDay } from '../reports/report-publication.js'
import { listReleases } from './publication.repository.js'
import { lastClosedMonth, makeRelease } from './release.service.js'

const adminOnly = { roles: ['admin'] as const, rateLimit: { max: 10, timeWindow: '1 hour' } }

export async function releasesRoutes(app: FastifyInstance): Promise<void> {
  const pageData = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const releases = (await listReleases(app.deps.db)).map((r) => ({
      id: r.id,
      through: monthLabel(r.throughMonth, request.lang),
      madeAt: formatDay(r.madeAt, request.lang),
      madeBy: translate(request.lang, `reports.releases.made_by_${r.madeHow}`),
    }))
    const through = lastClosedMonth(app.deps.clock.now())
    return {
      titleKey: 'reports.pages.releases',
      releases,
      mayMake: request.actor?.role === 'admin',
      releaseDay: app.deps.config.publication.releaseDay,
      through,
      throughLabel: monthLabel(through, request.lang),
      ...extra,
    }
  }

  app.get('/reports/releases', async (request, reply) => {
    const { made } = request.query as { made?: string }
    return reply.page('reports/releases', await pageData(request, { made: made && /^\d{1,9}$/.test(made) ? made : null }))
  })

  // The form names the last month the release will hold, as the administrator saw it: a page left
  // open over the turn of a month (or a request that is not this form) makes nothing.
  app.post('/reports/releases', { config: adminOnly }, async (request, reply) => {
    const { through } = (request.body ?? {}) as { through?: unknown }
    if (through !== lastClosedMonth(app.deps.clock.now())) {
      return reply.page('reports/releases', await pageData(request, { formError: 'release_page_out_of_date' }), 409)
    }
    const made = await makeRelease(app.deps, { now: app.deps.clock.now(), madeBy: request.actor!.userId })
    return reply.redirect(`/reports/releases?made=${made!.id}`, 303)
  })
}
