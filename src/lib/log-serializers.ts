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
