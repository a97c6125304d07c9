// What an error may put in the log: its kind, message, code and stack, never the values bound to a
// failed query (database drivers attach them, and they can hold answers, names or password hashes).
export interface LoggedError {
  [key: string]: unknown
  type: string
  message: string
  stack: string
}

export function serializeError(error: Error): LoggedError {
  const e = error as Error & { code?: unknown; statusCode?: unknown }
  return {
    type: e.name,
    message: e.message,
    stack: e.stack ?? '',
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
  }
}

/** What a request puts in the log: method and path. No query string (filters, redirect targets), no address, no headers. */
export function serializeRequest(request: { method: string; url: string }): { method: string; path: string } {
  const query = request.url.indexOf('?')
  return { method: request.method, path: query === -1 ? request.url : request.url.slice(0, query) }
}

/** What a response puts in the log: its status only. */
export function serializeResponse(reply: { statusCode: number }): { statusCode: number } {
  return { statusCode: reply.statusCode }
}

/** A request id from the load balancer's X-Request-Id when it looks like one, otherwise a new one. */
export function requestIdOf(header: string | string[] | undefined, newId: () => string): string {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{8,128}$/.test(header) ? header : newId()
}
