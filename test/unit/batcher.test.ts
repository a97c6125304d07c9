// The batcher: items handed in together run together, within the limits, and one bad item fails
// only itself.
import t from 'tap'
import { batcher } from '../../src/lib/batcher.js'

const tick = () => new Promise((resolve) => setImmediate(resolve))

t.test('a lone item runs on its own at once', async (t) => {
  const batches: number[][] = []
  const double = batcher<number, number>(async (items) => {
    batches.push([...items])
    return items.map((n) => n * 2)
  }, { maxBatch: 10, maxInFlight: 1 })
  t.equal(await double(21), 42)
  t.same(batches, [[21]])
})

t.test('items handed in together share a batch, each caller gets its own result', async (t) => {
  const batches: number[][] = []
  const double = batcher<number, number>(async (items) => {
    batches.push([...items])
    return items.map((n) => n * 2)
  }, { maxBatch: 10, maxInFlight: 1 })
  t.same(await Promise.all([1, 2, 3, 4].map(double)), [2, 4, 6, 8])
  t.same(batches, [[1, 2, 3, 4]])
})

t.test('batches keep to their size and to the number under way; later items wait and gather', async (t) => {
  const batches: number[][] = []
  let running = 0
  let mostRunning = 0
  const echo = batcher<number, number>(async (items) => {
    running += 1
    mostRunning = Math.max(mostRunning, running)
    batches.push([...items])
    await tick()
    await tick()
    running -= 1
    return [...items]
  }, { maxBatch: 3, maxInFlight: 2 })
  const items = Array.from({ length: 20 }, (_, i) => i)
  t.same(await Promise.all(items.map(echo)), items, 'every caller answered with its own item')
  t.ok(batches.every((batch) => batch.length <= 3), 'no batch over 3')
  t.equal(mostRunning, 2, 'two batches at most under way')
  t.same(batches.flat(), items, 'every item ran once, in the order handed in')
  t.equal(batches.length, 7, '20 items in batches of 3: 7 batches')
})

t.test('a failing batch is run again item by item: only the bad item fails, with its own error', async (t) => {
  const batches: number[][] = []
  const checked = batcher<number, string>(async (items) => {
    batches.push([...items])
    if (items.includes(13)) throw new Error(`unlucky ${items.join(',')}`)
    return items.map(String)
  }, { maxBatch: 10, maxInFlight: 1 })
  const results = await Promise.allSettled([12, 13, 14].map(checked))
  t.same(results[0], { status: 'fulfilled', value: '12' })
  t.equal(results[1]!.status, 'rejected')
  t.equal((results[1] as PromiseRejectedResult).reason.message, 'unlucky 13', 'the error of the item alone')
  t.same(results[2], { status: 'fulfilled', value: '14' })
  t.same(batches, [[12, 13, 14], [12], [13], [14]])
})

t.test('a batch that answers with the wrong number of results fails its callers, not silently', async (t) => {
  const broken = batcher<number, number>(async (items) => items.slice(1), { maxBatch: 10, maxInFlight: 1 })
  const results = await Promise.allSettled([1, 2].map(broken))
  t.ok(results.every((r) => r.status === 'rejected'), 'both callers refused')
  t.match((results[0] as PromiseRejectedResult).reason.message, /gave 1 results|gave 0 results/)
  // the batcher goes on working afterwards
  const fine = batcher<number, number>(async (items) => [...items], { maxBatch: 10, maxInFlight: 1 })
  t.equal(await fine(5), 5)
})
