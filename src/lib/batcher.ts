// Items that arrive together are handled together: each caller hands in one item and waits for its
// own result, while the items gathered in the meantime go to `run` as one batch (a group commit).
// A batch starts as soon as the code running now has handed in its items (a microtask, not a timer
// or setImmediate, which a busy loop of timers could hold back), and at most `maxInFlight` run at
// once: a lone caller waits for nothing, and under load the batches grow by themselves while the
// earlier ones are under way.

export interface BatcherOptions {
  /** The most items in one batch. */
  maxBatch: number
  /** The most batches under way at once; more items wait for one of them to end. */
  maxInFlight: number
}

/**
 * `run` gets the items of a batch and answers with one result per item, in the same order. If it
 * throws for a batch of several items, each item is run again alone, so that an item fails only
 * for what is wrong with it.
 */
export type BatchRunner<I, O> = (items: readonly I[]) => Promise<readonly O[]>

interface Waiting<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (reason: unknown) => void
}

export function batcher<I, O>(run: BatchRunner<I, O>, options: BatcherOptions): (item: I) => Promise<O> {
  const queue: Waiting<I, O>[] = []
  let inFlight = 0
  let scheduled = false

  const settle = (batch: readonly Waiting<I, O>[], results: readonly O[]) => {
    if (results.length !== batch.length) {
      const error = new Error(`a batch of ${batch.length} gave ${results.length} results`)
      for (const waiting of batch) waiting.reject(error)
    } else batch.forEach((waiting, i) => waiting.resolve(results[i]!))
  }

  const runAlone = (waiting: Waiting<I, O>) =>
    run([waiting.item]).then((results) => settle([waiting], results), waiting.reject)

  /** Never rejects: every outcome goes to the waiting callers. */
  const runBatch = async (batch: readonly Waiting<I, O>[]) => {
    if (batch.length === 1) return runAlone(batch[0]!)
    let results: readonly O[]
    try {
      results = await run(batch.map((waiting) => waiting.item))
    } catch {
      await Promise.all(batch.map(runAlone))
      return
    }
    settle(batch, results)
  }

  const start = () => {
    scheduled = false
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch)
      inFlight += 1
      void runBatch(batch).finally(() => {
        inFlight -= 1
        schedule()
      })
    }
  }

  const schedule = () => {
    if (scheduled || queue.length === 0 || inFlight >= options.maxInFlight) return
    scheduled = true
    queueMicrotask(start)
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject })
      schedule()
    })
}
