// A logged-in client over real HTTP: keeps cookies like a browser, logs in through the pages with
// the code from the development SMS outbox, and talks to whichever instance it is pointed at.
import { waitForSmsCode, smsMessagesTo } from '../../fixtures/server-process.js'

export interface Account {
  email: string
  password: string
  /** E.164, as the outbox records it. */
  phone: string
}

export class HttpSession {
  readonly cookies = new Map<string, string>()
  csrfToken = ''

  constructor(public baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') <= Date.now()))
      if (value === '' || expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  async request(method: string, path: string, options: { headers?: Record<string, string>; body?: string; timeoutMs?: number; baseUrl?: string } = {}): Promise<Response> {
    const response = await fetch(`${options.baseUrl ?? this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: { 'accept-language': 'en', cookie: this.cookieHeader(), ...options.headers },
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    })
    this.remember(response)
    return response
  }

  /** GETs a page and returns its HTML, remembering the form's CSRF token. */
  async page(path: string): Promise<{ status: number; html: string }> {
    const response = await this.request('GET', path)
    const html = await response.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
    if (token) this.csrfToken = token
    return { status: response.status, html }
  }

  async postForm(path: string, fields: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams({ _csrf: this.csrfToken, ...fields }).toString()
    return this.request('POST', path, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
  }

  async postJson(path: string, payload: unknown, headers: Record<string, string> = {}, baseUrl?: string): Promise<Response> {
    return this.request('POST', path, {
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': this.csrfToken, ...headers },
      body: JSON.stringify(payload),
      ...(baseUrl ? { baseUrl } : {}),
    })
  }

  /** Fetches the API's CSRF token for this session (GET /api/v1/session); returns the status. */
  async loadApiToken(baseUrl?: string): Promise<number> {
    const response = await this.request('GET', '/api/v1/session', { headers: { accept: 'application/json' }, ...(baseUrl ? { baseUrl } : {}) })
    if (response.status === 200) this.csrfToken = ((await response.json()) as { csrfToken: string }).csrfToken
    else await response.body?.cancel()
    return response.status
  }
}

/** Password, then the SMS code, through the pages; throws unless both steps are accepted. */
export async function logIn(baseUrl: string, outboxFile: string, account: Account): Promise<HttpSession> {
  const session = new HttpSession(baseUrl)
  await session.page('/login')
  const before = (await smsMessagesTo(outboxFile, account.phone)).length
  const password = await session.postForm('/login', { email: account.email, password: account.password })
  await password.body?.cancel()
  if (password.status !== 303) throw new Error(`password step answered ${password.status}`)
  await session.page('/login/code')
  const code = await waitForSmsCode(outboxFile, account.phone, { after: before })
  const second = await session.postForm('/login/code', { code })
  await second.body?.cancel()
  if (second.status !== 303) throw new Error(`code step answered ${second.status}`)
  const status = await session.loadApiToken()
  if (status !== 200) throw new Error(`GET /api/v1/session answered ${status}`)
  return session
}
