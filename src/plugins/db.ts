// Makes the database available as app.db (Kysely) and app.dbHandle; closes it with the app when
// the app opened it.
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { DatabaseHandle } from '../db/connect.js'
import type { Database } from '../db/schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>
    dbHandle: DatabaseHandle
  }
}

export interface DbPluginOptions {
  handle: DatabaseHandle
  /** Close the handle when the app closes (false when a test owns the database). */
  closeOnShutdown: boolean
}

export const dbPlugin = fp<DbPluginOptions>(
  async (app, { handle, closeOnShutdown }) => {
    app.decorate('db', handle.db)
    app.decorate('dbHandle', handle)
    if (closeOnShutdown) app.addHook('onClose', () => handle.close())
  },
  { name: 'db' },
)
