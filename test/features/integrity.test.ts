// The integrity chain catches what someone bypassing the triggers could do: alter, remove or
// insert a record. Each case disables the triggers as the owner (as a superuser could).
import t from 'tap'
import { submitMeetingForm } from '../../src/features/forms/forms.service.js'
import { contentHashOf } from '../../src/features/integrity/chain.js'
import { recordSources } from '../../src/features/integrity/record-sources.js'
import type { Actor } from '../../src/features/auth/session.service.js'
import { buildTestApp, type TestApp } from '../fixtures/app.js'
import { createUser } from '../fixtures/factories.js'
import { newKey, validAnswers } from '../fixtures/forms.js'
import { verifyApp } from '../fixtures/integrity.js'

async function withForms(t: Parameters<typeof buildTestApp>[0], count: number): Promise<{ test: TestApp; ids: string[] }> {
  const test = await buildTestApp(t)
  const user = await createUser(test.app.db)
  const actor: Actor = { userId: user.id, sessionId: 's', name: user.name, email: user.email, role: 'expert', teamId: user.teamId, loginMethod: 'sms' }
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    test.clock.advance(1000)
    ids.push((await submitMeetingForm(test.deps, actor, validAnswers({ age: 10 + i }), newKey())).id)
  }
  return { test, ids }
}

/** Runs SQL as the owner with every trigger of the chained tables off, as a superuser could. */
async function tamper(test: TestApp, statement: string): Promise<void> {
  await test.database.handle.runScript(`
    ALTER TABLE meeting_forms DISABLE TRIGGER USER;
    ALTER TABLE integrity_chain DISABLE TRIGGER USER;
    ALTER TABLE integrity_seals DISABLE TRIGGER USER;
    ${statement};
    ALTER TABLE meeting_forms ENABLE TRIGGER USER;
    ALTER TABLE integrity_chain ENABLE TRIGGER USER;
    ALTER TABLE integrity_seals ENABLE TRIGGER USER;`)
}

const COLUMNS = `id, team_id, submitted_by, definition_version, idempotency_key, request_hash, created_at,
    meeting_month, meeting_kind, gender, age, home_municipality, child_welfare_notification, earlier_welfare_client, has_hobby, guided_hobby,
    gang_like_group, first_time_in_anchor, times_in_anchor, meeting_topics, under_influence, client_role, information_sources, referred_onward,
    referral_services, meeting_participants, response_time_days, working_methods, continuation_plan, regret_own, regret_team, usefulness, under_15, adult_client,
    wellbeing_county, police_department, area_recorded_at_filing, record_key`

const verify = (test: TestApp) => verifyApp(test.app)

t.test('an untouched chain verifies', async (t) => {
  const { test } = await withForms(t, 5)
  t.same(await verify(test), { ok: true, linksChecked: 5, sealsChecked: 1, checkpointsChecked: 0 })
})

t.test('an altered form is found at its link', async (t) => {
  const { test, ids } = await withForms(t, 5)
  await tamper(test, `UPDATE meeting_forms SET gender = 'girl' WHERE id = '${ids[2]}'`)
  const report = await verify(test)
  t.equal(report.ok, false)
  t.same(report.problem, { kind: 'record_altered', seq: 3, recordKind: 'meeting_form', recordId: ids[2] })
  t.equal(report.linksChecked, 2)
})

t.test('a removed form is found, and so is a form removed together with its link', async (t) => {
  const { test, ids } = await withForms(t, 5)
  await tamper(test, `DELETE FROM meeting_forms WHERE id = '${ids[1]}'`)
  t.same((await verify(test)).problem, { kind: 'record_missing', seq: 2, recordKind: 'meeting_form', recordId: ids[1] })
  await tamper(test, `DELETE FROM integrity_chain WHERE record_id = '${ids[1]}'`)
  t.same((await verify(test)).problem, { kind: 'link_missing', seq: 2 })
})

t.test('a form inserted outside the service, or into the middle of the chain, is found', async (t) => {
  const { test, ids } = await withForms(t, 4)
  const copy = `INSERT INTO meeting_forms (${COLUMNS}) SELECT gen_random_uuid(), team_id, submitted_by, definition_version, '00000000-0000-4000-8000-0000000f0e1d', request_hash, created_at,
    meeting_month, meeting_kind, gender, age, home_municipality, child_welfare_notification, earlier_welfare_client, has_hobby, guided_hobby,
    gang_like_group, first_time_in_anchor, times_in_anchor, meeting_topics, under_influence, client_role, information_sources, referred_onward,
    referral_services, meeting_participants, response_time_days, working_methods, continuation_plan, regret_own, regret_team, usefulness, under_15, adult_client,
    wellbeing_county, police_department, area_recorded_at_filing, record_key
    FROM meeting_forms WHERE id = '${ids[0]}'`
  await tamper(test, copy)
  const unlinked = await verify(test)
  t.equal(unlinked.problem?.kind, 'record_unlinked')
  t.equal(unlinked.linksChecked, 4, 'the chain itself is intact')

  // Slip the forged form into the chain at link 3, shifting the later links up by one.
  await tamper(test, `
    UPDATE integrity_chain SET seq = seq + 100 WHERE seq >= 3;
    UPDATE integrity_chain SET seq = seq - 99 WHERE seq >= 100;
    INSERT INTO integrity_chain (seq, record_kind, record_id, content_hash, chain_hash, created_at)
      SELECT 3, 'meeting_form', f.id, c.content_hash, md5(random()::text) || md5(random()::text), now()
      FROM meeting_forms f, integrity_chain c WHERE f.idempotency_key = '00000000-0000-4000-8000-0000000f0e1d' AND c.seq = 1`)
  const report = await verify(test)
  t.equal(report.ok, false)
  t.equal(report.problem && 'seq' in report.problem ? report.problem.seq : undefined, 3, 'found where it was slipped in')
  t.ok(['record_altered', 'chain_broken'].includes(report.problem!.kind))
})

t.test('a changed link is found', async (t) => {
  const { test } = await withForms(t, 3)
  t.equal((await verify(test)).ok, true)
  // a sealed link's content hash changed to match an altered form: its seal's Merkle root no longer does
  await tamper(test, `UPDATE meeting_forms SET gender = 'girl' WHERE id = (SELECT record_id FROM integrity_chain WHERE seq = 2)`)
  const altered = await test.app.db.selectFrom('integrity_chain').select('record_id').where('seq', '=', '2').executeTakeFirstOrThrow()
  const content = (await recordSources[0]!.load(test.app.db, [altered.record_id])).get(altered.record_id)!
  await tamper(test, `UPDATE integrity_chain SET content_hash = '${contentHashOf(content)}' WHERE seq = 2`)
  t.same((await verify(test)).problem, { kind: 'seal_invalid', sealSeq: 1 })
})
