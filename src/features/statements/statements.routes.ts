// GET /accessibility, /privacy and /help: the accessibility statement, the privacy notice and help
// on the statistics form. Public, so anyone can read them before registering; a logged-in user
// sees them inside the normal header.
import type { FastifyInstance } from 'fastify'
import { STATEMENT_PAGES, STATEMENT_PATHS, statementPageView } from './statement-pages.js'

export async function statementsRoutes(app: FastifyInstance): Promise<void> {
  for (const page of STATEMENT_PAGES) {
    app.get(STATEMENT_PATHS[page], { config: { public: true } }, async (request, reply) => {
      const { template, ...view } = statementPageView(page, request.lang, app.deps.config)
      return reply.page(template, view)
    })
  }
}
