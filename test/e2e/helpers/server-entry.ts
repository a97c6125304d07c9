// The process the browser tests start: the real server (src/server.ts), plus a watchdog. The test
// process holds the other end of this process's stdin; when the test process ends in any way
// (normal exit, crash, SIGKILL from a timeout) the pipe closes and the server shuts down with it,
// so a server can never outlive its test run. Left alone like that, it also removes the test's
// temporary folder (E2E_TEMP_DIR), which the test process can no longer do.
import { rmSync } from 'node:fs'

let orphaned = false
process.on('exit', () => {
  const dir = process.env.E2E_TEMP_DIR
  if (orphaned && dir) rmSync(dir, { recursive: true, force: true })
})

process.stdin.on('data', () => undefined)
process.stdin.on('end', () => {
  orphaned = true
  // SIGTERM: the server's own graceful shutdown (or, before it has started, the default: exit).
  process.kill(process.pid, 'SIGTERM')
  setTimeout(() => process.exit(1), 5_000).unref()
})
process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'))

await import('../../../src/server.js')
