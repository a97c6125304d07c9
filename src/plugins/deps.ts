// The dependencies services receive (database, configuration, clock, SMS and e-mail senders),
// gathered in one object so routes can hand them on and tests can swap the clock and the senders.
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/schema.js'
import type { EmailSender } from '../integrations/email/email-sender.js'
import type { SmsSender } from '../integrations/sms/sms-sender.js'
import type { Clock } from '../lib/clock.js'

export interface AppDeps {
  readonly db: Kysely<Database>
  readonly config: Config
  readonly clock: Clock
  readonly sms: SmsSender
  readonly email: EmailSender
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps
    config: Config
  }
}

export const depsPlugin = fp<{ deps: AppDeps }>(
  async (app, { deps }) => {
    app.decorate('deps', deps)
    app.decorate('config', deps.config)
  },
  { name: 'deps', dependencies: ['db'] },
)
