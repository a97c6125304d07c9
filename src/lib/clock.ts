// The source of "now" for services, so tests can move time (code expiry, session timeouts).
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still until told to move; for tests. */
export class ManualClock implements Clock {
  private current: Date
  constructor(start = new Date('2026-03-02T09:00:00Z')) {
    this.current = new Date(start)
  }
  now(): Date {
    return new Date(this.current)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}
