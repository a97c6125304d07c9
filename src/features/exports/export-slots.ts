// How many heavy exports (XLSX workbooks, built in memory on this process) run at once: a few per
// user and a few in all, so that twenty parallel downloads cannot slow everyone else down. The
// next one is refused at once (429 with Retry-After) rather than queued, so nothing piles up.
import { TooManyAttemptsError } from '../../errors.js'

/** Long enough for a typical workbook to finish. */
export const EXPORT_RETRY_AFTER_SECONDS = 5

export class ExportSlots {
  private total = 0
  private readonly perUser = new Map<string, number>()

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxPerUser: number,
  ) {}

  /** Runs the work in a slot of this user's, or throws TooManyAttemptsError('exports_busy'). */
  async run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const mine = this.perUser.get(userId) ?? 0
    if (mine >= this.maxPerUser || this.total >= this.maxConcurrent) {
      throw new TooManyAttemptsError(EXPORT_RETRY_AFTER_SECONDS, 'exports_busy')
    }
    this.total += 1
    this.perUser.set(userId, mine + 1)
    try {
      return await work()
    } finally {
      this.total -= 1
      const left = (this.perUser.get(userId) ?? 1) - 1
      if (left === 0) this.perUser.delete(userId)
      else this.perUser.set(userId, left)
    }
  }
}
