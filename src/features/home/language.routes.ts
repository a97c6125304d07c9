// The language switch: remembers the choice in a cookie and returns to the page it came from.
import type { FastifyInstance } from 'fastify'
import { isLang, LANG_COOKIE } from '../../i18n/index.js'
import { safeLocalPath } from '../../lib/safe-redirect.js'

export async function languageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/language/:lang', { config: { public: true } }, async (request, reply) => {
    const { lang } = request.params as { lang: string }
    const { next } = request.query as { next?: string }
    if (isLang(lang)) {
      reply.setCookie(LANG_COOKIE, lang, {
        path: '/',
        sameSite: 'lax',
        secure: app.config.secureCookies,
        httpOnly: true,
        maxAge: 365 * 24 * 60 * 60,
      })
    }
    return reply.redirect(safeLocalPath(next), 303)
  })
}
