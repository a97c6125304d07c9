// Fills a database with synthetic teams, experts, statistics forms and activity records, so that
// reports have something to show. Every form passes the same validation as a real one and is
// sealed into the integrity chain, so `npm run verify` passes afterwards. Never in production.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import { canonicalJson, sha256Hex, type Canonical } from '../../lib/canonical-json.js'
import type { AppDeps } from '../../plugins/deps.js'
import { countyOfMunicipality, municipalitiesOfCounty, policeDepartmentOfMunicipality } from '../../regions/index.js'
import { activityContent } from '../activity/activity.service.js'
import type { StoredActivity } from '../activity/activity.repository.js'
import { formDefinition } from '../forms/definition.js'
import { validateSubmission } from '../forms/forms.service.js'
import { insertMeetingForms } from '../forms/forms.repository.js'
import { meetingFormContent, type StoredMeetingForm } from '../forms/stored-form.js'
import { monthOf, monthsBack } from '../../lib/months.js'
import { contentHashOf } from '../integrity/chain.js'
import { insertPending } from '../integrity/chain.repository.js'
import { integrityKeys } from '../integrity/keys.js'
import { sealPending } from '../integrity/sealer.service.js'
import { demoAnswers } from './demo-answers.js'
import { SeededRandom } from './random.js'

/** Demo teams by home municipality; county and police department come from the regions data. */
const DEMO_TEAMS: readonly { name: string; municipality: string; weight: number }[] = [
  { name: 'Demo – Ankkuri Helsinki', municipality: '091', weight: 14 },
  { name: 'Demo – Ankkuri Espoo', municipality: '049', weight: 7 },
  { name: 'Demo – Ankkuri Vantaa–Kerava', municipality: '092', weight: 6 },
  { name: 'Demo – Ankkuri Tampere', municipality: '837', weight: 8 },
  { name: 'Demo – Ankkuri Turku', municipality: '853', weight: 7 },
  { name: 'Demo – Ankkuri Oulu', municipality: '564', weight: 6 },
  { name: 'Demo – Ankkuri Jyväskylä', municipality: '179', weight: 4 },
  { name: 'Demo – Ankkuri Kuopio', municipality: '297', weight: 4 },
  { name: 'Demo – Ankkuri Lahti', municipality: '398', weight: 4 },
  { name: 'Demo – Ankkuri Pori', municipality: '609', weight: 3 },
  { name: 'Demo – Ankkuri Rovaniemi', municipality: '698', weight: 2 },
  { name: 'Demo – Ankkuri Vaasa', municipality: '905', weight: 3 },
]

export interface DemoSeedOptions {
  forms: number
  /** How many months back from the current one the meetings spread over. */
  months?: number
  seed?: number
  /** Rows per transaction. */
  batchSize?: number
  onProgress?: (done: number, total: number) => void
}

interface DemoTeam {
  id: string
  userId: string
  municipality: string
  nearby: string[]
  weight: number
  county: string
  police: string
}

async function ensureDemoTeams(deps: AppDeps): Promise<DemoTeam[]> {
  const now = deps.clock.now()
  const teams: DemoTeam[] = []
  for (const [index, demo] of DEMO_TEAMS.entries()) {
    const county = countyOfMunicipality(demo.municipality)
    const department = policeDepartmentOfMunicipality(demo.municipality)
    if (!county || !department) throw new Error(`no county or police department for ${demo.municipality}`)
    let team = await deps.db.selectFrom('teams').select('id').where('name', '=', demo.name).executeTakeFirst()
    if (!team) {
      team = await deps.db
        .insertInto('teams')
        .values({ name: demo.name, police_department: department.code, wellbeing_county: county.code, municipalities: [demo.municipality], created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    }
    const email = `demo.expert.${index + 1}@demo.invalid`
    let user = await deps.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()
    if (!user) {
      user = await deps.db
        .insertInto('users')
        .values({
          team_id: team.id,
          name: `Demo Expert ${index + 1}`,
          email,
          phone: `+35840000${String(index + 1).padStart(4, '0')}`,
          profession: 'police',
          role: 'expert',
          login_method: 'sms',
          // a hash of random bytes nobody knows: demo accounts cannot log in
          password_hash: `scrypt$16384$8$1$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`,
          status: 'disabled',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    }
    const nearby = municipalitiesOfCounty(county.code).map((m) => m.code)
    teams.push({ id: team.id, userId: user.id, municipality: demo.municipality, nearby, weight: demo.weight, county: county.code, police: department.code })
  }
  return teams
}

/**
 * Writes records and their entries in the queue for the next seal in one transaction, as
 * forms.service.ts does.
 */
async function writeBatch(
  trx: Transaction<Database>,
  forms: StoredMeetingForm[],
  activities: StoredActivity[],
): Promise<void> {
  const records: { kind: 'meeting_form' | 'activity_record'; id: string; content: Canonical; createdAt: Date }[] = []
  const link = (kind: 'meeting_form' | 'activity_record', id: string, content: Canonical, createdAt: Date) => records.push({ kind, id, content, createdAt })
  if (forms.length > 0) {
    await insertMeetingForms(
      trx,
      formDefinition,
      forms.map((form) => ({ ...form, idempotencyKey: randomUUID(), requestHash: sha256Hex(canonicalJson(form.answers as Canonical)) })),
    )
    for (const form of forms) link('meeting_form', form.id, meetingFormContent(form), form.createdAt)
  }
  if (activities.length > 0) {
    await trx
      .insertInto('activity_records')
      .values(
        activities.map((a) => ({
          id: a.id,
          team_id: a.teamId,
          submitted_by: a.submittedBy,
          idempotency_key: randomUUID(),
          request_hash: sha256Hex(a.id),
          created_at: a.createdAt,
          kind: a.kind,
          activity_month: `${a.month}-01`,
          age_band: a.ageBand,
          participants: a.participants,
        })),
      )
      .execute()
    for (const a of activities) link('activity_record', a.id, activityContent(a), a.createdAt)
  }
  // queued as a submission queues its record; seedDemoData seals each batch straight after
  await insertPending(trx, records.map((r) => ({ kind: r.kind, id: r.id, contentHash: contentHashOf(r.content), filedAt: r.createdAt })))
}

export async function seedDemoData(deps: AppDeps, options: DemoSeedOptions): Promise<{ forms: number; activities: number }> {
  if (deps.config.env === 'production') throw new Error('Demo data is never written to a production database.')
  const random = new SeededRandom(options.seed ?? 2026)
  const teams = await ensureDemoTeams(deps)
  const now = deps.clock.now()
  const months = monthsBack(monthOf(now), options.months ?? 24)
  const batchSize = options.batchSize ?? 1000
  const teamWeights = Object.fromEntries(teams.map((t, i) => [String(i), t.weight])) as Record<string, number>
  let written = 0
  let activityCount = 0

  // Activity: a few records per team and month.
  const activities: StoredActivity[] = []
  for (const team of teams) {
    for (const month of months) {
      const createdAt = new Date(Math.min(now.getTime(), Date.parse(`${month}-15T10:00:00Z`)))
      const add = (kind: StoredActivity['kind'], ageBand: StoredActivity['ageBand'], participants: number | null) =>
        activities.push({ id: randomUUID(), teamId: team.id, submittedBy: team.userId, createdAt, kind, month, ageBand, participants })
      if (random.chance(0.4)) add('coffee_meeting', null, random.int(6, 30))
      if (random.chance(0.5)) add('stakeholder_meeting', null, random.int(3, 15))
      if (random.chance(0.3)) add('refusal', random.chance(0.45) ? 'under_15' : '15_plus', null)
    }
  }

  while (written < options.forms) {
    const count = Math.min(batchSize, options.forms - written)
    const forms: StoredMeetingForm[] = []
    for (let i = 0; i < count; i++) {
      const team = teams[Number(random.weighted(teamWeights))]!
      const month = months[Math.floor(Math.pow(random.next(), 1.3) * months.length)]!
      const home = random.chance(0.03) ? 'unknown' : random.chance(0.8) ? team.municipality : team.nearby[random.int(0, team.nearby.length - 1)]!
      const submission = validateSubmission(deps, demoAnswers(random, month, home))
      const createdAt = new Date(Math.min(now.getTime(), Date.parse(`${month}-01T08:00:00Z`) + random.int(0, 27 * 24 * 3600) * 1000))
      forms.push({
        id: randomUUID(),
        teamId: team.id,
        submittedBy: team.userId,
        definitionVersion: formDefinition.version,
        createdAt,
        answers: submission.answers,
        under15: submission.under15,
        adultClient: submission.adultClient,
        area: { county: team.county, police: team.police, recordedAtFiling: true },
      })
    }
    const batchActivities = written === 0 ? activities : []
    await deps.db.transaction().setIsolationLevel('read committed').execute((trx) => writeBatch(trx, forms, batchActivities))
    await sealPending(deps.db, integrityKeys(deps.config), deps.clock)
    activityCount += batchActivities.length
    written += count
    options.onProgress?.(written, options.forms)
  }
  return { forms: written, activities: activityCount }
}
