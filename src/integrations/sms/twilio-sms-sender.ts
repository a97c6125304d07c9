// Production SMS sender: delivers each message through Twilio's Messages API with the official `twilio` package.
import twilio from 'twilio'
// Types only: the package's root export names the class, but not its RequestOptions namespace.
import type RequestClient from 'twilio/lib/base/RequestClient.js'
import type * as TwilioResponseModule from 'twilio/lib/http/response.js'
import type { TwilioConfig } from '../../config.js'
import type { SmsMessage, SmsSender } from './sms-sender.js'

type TwilioResponse<TData> = TwilioResponseModule.default<TData>

/**
 * Twilio's own HTTP client, with the origin of every URL it is asked to call replaced by `baseUrl`.
 * Used only by tests, through the sender's `apiBaseUrl`: the `twilio` package still builds the real request
 * (path, form body, Basic auth, headers), and `ClientOpts.httpClient` is its supported hook for carrying it out.
 * Its `edge`/`region` options cannot help here: they only rewrite the host within `*.twilio.com`.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  readonly #baseUrl: string

  constructor(baseUrl: string) {
    super()
    this.#baseUrl = baseUrl.replace(/\/+$/, '')
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const original = new URL(opts.uri)
    return super.request({ ...opts, uri: `${this.#baseUrl}${original.pathname}${original.search}` })
  }
}

/** A failed send. The message never contains the SMS body (it holds a one-time code) nor the auth token. */
export class TwilioSmsError extends Error {
  override readonly name = 'TwilioSmsError'

  constructor(
    message: string,
    /** HTTP status Twilio answered with, when it answered. */
    readonly status?: number,
    /** Twilio's numeric error code (https://www.twilio.com/docs/api/errors), or a network error code such as ECONNREFUSED. */
    readonly code?: number | string,
  ) {
    super(message)
  }
}

const MAX_TWILIO_MESSAGE_LENGTH = 200

export class TwilioSmsSender implements SmsSender {
  readonly name = 'Twilio'
  readonly #client: twilio.Twilio
  readonly #from: string
  readonly #secrets: readonly string[]

  /** @param apiBaseUrl for tests only: e.g. `http://127.0.0.1:PORT`, a local server standing in for https://api.twilio.com */
  constructor(config: TwilioConfig, apiBaseUrl?: string) {
    this.#from = config.from
    this.#secrets = [config.authToken]
    this.#client = twilio(config.accountSid, config.authToken, {
      // An explicit non-debug level, so that TWILIO_LOG_LEVEL=debug in the environment cannot make the package log requests.
      logLevel: 'info',
      ...(apiBaseUrl === undefined ? {} : { httpClient: new BaseUrlRequestClient(apiBaseUrl) }),
    })
  }

  async send(message: SmsMessage): Promise<void> {
    try {
      await this.#client.messages.create({ to: message.to, from: this.#from, body: message.body })
    } catch (error) {
      // Deliberately no `cause`: errors from the HTTP layer carry the request (form body and Authorization header).
      throw this.#describeFailure(error, message.body)
    }
  }

  #describeFailure(error: unknown, body: string): TwilioSmsError {
    const details = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {}
    const status = typeof details['status'] === 'number' ? details['status'] : undefined
    const code = typeof details['code'] === 'number' || typeof details['code'] === 'string' ? details['code'] : undefined

    if (status !== undefined) {
      // Twilio answered with an error (RestException or TwilioServiceException): its own text is useful, but redact it
      // in case it ever quotes the request back.
      const twilioText = typeof details['message'] === 'string' ? this.#redact(details['message'], body) : ''
      const codePart = typeof code === 'number' && code !== 0 ? `, Twilio error ${code}` : ''
      const textPart = twilioText ? `: ${twilioText}` : ''
      return new TwilioSmsError(`Twilio rejected the SMS (HTTP ${status}${codePart})${textPart}`, status, code)
    }

    // No answer from Twilio (network failure, timeout): report only a system error code, never the underlying message.
    const networkCode = typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined
    return new TwilioSmsError(
      `Sending the SMS through Twilio failed${networkCode ? ` (${networkCode})` : ''}`,
      undefined,
      networkCode,
    )
  }

  #redact(text: string, body: string): string {
    let result = text
    for (const secret of [...this.#secrets, body].filter((value) => value.length > 0)) {
      result = result.split(secret).join('[redacted]')
    }
    // Truncating after redacting cannot bring a secret back.
    return result.length > MAX_TWILIO_MESSAGE_LENGTH ? `${result.slice(0, MAX_TWILIO_MESSAGE_LENGTH)}…` : result
  }
}
