// The route options of every endpoint a personal API token may reach: read-only report and export
// endpoints, rate limited per token (or per address for sessions).
import type { FastifyRequest } from 'fastify'

export const TOKEN_REQUESTS_PER_MINUTE = 120

export const tokenAccess = {
  token: true,
  rateLimit: {
    max: TOKEN_REQUESTS_PER_MINUTE,
    timeWindow: '1 minute',
    keyGenerator: (request: FastifyRequest) => (request.actor?.tokenId ? `token:${request.actor.tokenId}` : `ip:${request.ip}`),
  },
} as const

/** The OpenAPI description of such a route: its group, a summary, and that a token or a session may call it. */
export function tokenRouteDocs(tag: string, summary: string): { tags: string[]; summary: string; security: Record<string, string[]>[] } {
  return { tags: [tag], summary, security: [{ apiToken: [] }, { session: [] }] }
}
