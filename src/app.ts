// buildApp: the Fastify instance with its plugins registered in order (database, dependencies,
// security, views, sessions, errors), then the feature routes.
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { join } from 'node:path'
import type { Config } from './config.js'
import type { DatabaseHandle } from './db/connect.js'
import { activityRoutes } from './features/activity/activity.routes.js'
import { adminRoutes } from './features/users/admin.routes.js'
import { auditRoutes } from './features/audit/audit.routes.js'
import { authRoutes } from './features/auth/auth.routes.js'
import { passwordResetRoutes } from './features/password-reset/password-reset.routes.js'
import { formsApiRoutes } from './features/forms/forms.api.routes.js'
import { formsRoutes } from './features/forms/forms.routes.js'
import { withdrawalsRoutes } from './features/withdrawals/withdrawals.routes.js'
import { healthRoutes } from './features/health/health.routes.js'
import { homeRoutes } from './features/home/home.routes.js'
import { integrityRoutes } from './features/integrity/integrity.routes.js'
import { languageRoutes } from './features/home/language.routes.js'
import { statementsRoutes } from './features/statements/statements.routes.js'
import { apiDocsRoutes } from './features/api-docs/api-docs.routes.js'
import { apiTokensRoutes } from './features/api-tokens/api-tokens.routes.js'
import { exportsRoutes } from './features/exports/exports.routes.js'
import { reportsApiRoutes } from './features/reports/reports.api.routes.js'
import { reportsRoutes } from './features/reports/reports.routes.js'
import { releasesRoutes } from './features/publication/releases.routes.js'
import { registrationRoutes } from './features/users/registration.routes.js'
import { setupRoutes } from './features/setup/setup.routes.js'
import { teamsRoutes } from './features/teams/teams.routes.js'
import { virtuRoutes } from './features/virtu/virtu.routes.js'
import type { EmailSender } from './integrations/email/email-sender.js'
import type { SmsSender } from './integrations/sms/sms-sender.js'
import { systemClock, type Clock } from './lib/clock.js'
import { nodeModulesDir, staticDir } from './lib/paths.js'
import { requestIdOf, serializeError, serializeRequest, serializeResponse } from './lib/log-serializers.js'
import { OneLineRequestLog } from './lib/request-log.js'
import { authPlugin } from './plugins/auth.js'
import { dbPlugin } from './plugins/db.js'
import { depsPlugin } from './plugins/deps.js'
import { errorsPlugin } from './plugins/errors.js'
import { inputLimitsPlugin } from './plugins/input-limits.js'
import { openApiPlugin } from './plugins/openapi.js'
import { securityPlugin } from './plugins/security.js'
import { viewsPlugin } from './plugins/views.js'

export interface AppOverrides {
  database: DatabaseHandle
  /** Close the database with the app (true for the server; tests own theirs). */
  closeDatabase?: boolean
  sms: SmsSender
  email: EmailSender
  clock?: Clock
  logger?: boolean | object
}

/** Which proxies' X-Forwarded-For to believe: none, the nearest n hops, or the listed addresses. */
function trustProxyOption(setting: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (setting === false) return false
  if (typeof setting === 'number') return (_address, hop) => hop < setting
  return [...setting]
}

export async function buildApp(config: Config, overrides: AppOverrides): Promise<FastifyInstance> {
  const app = Fastify({
    // Tests may pass their own stream or level; the request and error serializers always apply.
    logger:
      overrides.logger === false
        ? false
        : {
            level: config.logLevel,
            ...(typeof overrides.logger === 'object' ? overrides.logger : {}),
            serializers: { err: serializeError, req: serializeRequest, res: serializeResponse },
          },
    logController: new OneLineRequestLog(),
    trustProxy: trustProxyOption(config.trustProxy),
    // One id per request in every log line (reqId) and in the X-Request-Id response header. Behind
    // a trusted proxy (TRUST_PROXY) the load balancer's X-Request-Id is kept, so the two logs join.
    genReqId:
      config.trustProxy === false
        ? () => crypto.randomUUID()
        : (request) => requestIdOf(request.headers['x-request-id'], () => crypto.randomUUID()),
    bodyLimit: 256 * 1024,
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.connectionTimeoutMs,
  })
  // Fastify has no option for it: a client must send its headers promptly (slowloris).
  app.server.headersTimeout = config.http.headersTimeoutMs
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  await app.register(dbPlugin, { handle: overrides.database, closeOnShutdown: overrides.closeDatabase ?? false })
  await app.register(depsPlugin, {
    deps: { db: overrides.database.db, config, clock: overrides.clock ?? systemClock, sms: overrides.sms, email: overrides.email },
  })
  await app.register(securityPlugin, { config })
  await app.register(inputLimitsPlugin)
  await app.register(viewsPlugin)
  await app.register(authPlugin)
  await app.register(errorsPlugin)
  await app.register(openApiPlugin)

  await app.register(fastifyStatic, { root: staticDir, prefix: '/static/', index: false })
  await app.register(fastifyStatic, {
    root: join(nodeModulesDir, 'chart.js', 'dist'),
    prefix: '/vendor/chart.js/',
    decorateReply: false,
    index: false,
  })

  await app.register(healthRoutes)
  await app.register(languageRoutes)
  await app.register(statementsRoutes)
  await app.register(authRoutes)
  await app.register(passwordResetRoutes)
  await app.register(virtuRoutes)
  await app.register(registrationRoutes)
  await app.register(setupRoutes)
  await app.register(homeRoutes)
  await app.register(adminRoutes)
  await app.register(auditRoutes)
  await app.register(integrityRoutes)
  await app.register(teamsRoutes)
  await app.register(formsApiRoutes)
  await app.register(formsRoutes)
  await app.register(withdrawalsRoutes)
  await app.register(activityRoutes)
  await app.register(reportsRoutes)
  await app.register(releasesRoutes)
  await app.register(reportsApiRoutes)
  await app.register(exportsRoutes)
  await app.register(apiTokensRoutes)
  await app.register(apiDocsRoutes)
  return app
}
