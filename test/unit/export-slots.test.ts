// Heavy exports run a few at a time: at most N per user and M in all; the next is refused at once.
import t from 'tap'
import { AppError } from '../../src/errors.js'
import { ExportSlots } from '../../src/features/exports/export-slots.js'

t.test('a third export of one user, or one over the global cap, is refused until a slot frees', async (t) => {
  const slots = new ExportSlots(3, 2)
  const gates: (() => void)[] = []
  const hold = () => new Promise<void>((resolve) => gates.push(resolve))
  const a1 = slots.run('a', hold)
  const a2 = slots.run('a', hold)
  const refused = await slots.run('a', hold).catch((e: unknown) => e)
  t.ok(refused instanceof AppError && refused.code === 'exports_busy' && refused.statusCode === 429, 'the third of one user: 429 exports_busy')
  const b1 = slots.run('b', hold)
  const global = await slots.run('c', hold).catch((e: unknown) => e)
  t.ok(global instanceof AppError && global.code === 'exports_busy', 'a fourth in all is refused, whoever asks')
  gates.shift()!()
  await a1
  const a3 = slots.run('a', hold)
  t.pass('a freed slot is usable again')
  for (const open of gates.splice(0)) open()
  await Promise.all([a2, b1, a3])
  await slots.run('a', async () => undefined)
  t.pass('every slot is given back, also after a failure')
  await slots.run('a', async () => { throw new Error('x') }).catch(() => undefined)
  await Promise.all([slots.run('a', async () => 1), slots.run('a', async () => 2)])
})
