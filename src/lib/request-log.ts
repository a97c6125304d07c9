// The request log: one line a request, written when it has been answered, with its method and path,
// status and time (Fastify's default writes a second line when the request arrives).
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {
    // the line written when the request is answered says everything this one would
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    const line = { req: request, res: reply, responseTime: reply.elapsedTime }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}
