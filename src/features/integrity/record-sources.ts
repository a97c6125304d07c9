// The kinds of record the chain covers, and how to read each back as the content it hashed.
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { Canonical } from '../../lib/canonical-json.js'
import { findStoredActivities } from '../activity/activity.repository.js'
import { activityContent } from '../activity/activity.service.js'
import { formDefinition } from '../forms/definition.js'
import { findStoredForms } from '../forms/forms.repository.js'
import { meetingFormContent } from '../forms/stored-form.js'
import type { RecordSource } from './verify.service.js'

async function findUnlinked(db: Kysely<Database>, table: 'meeting_forms' | 'activity_records'): Promise<string | undefined> {
  const row = await db
    .selectFrom(table)
    .select('id')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('integrity_chain').select('seq').whereRef('integrity_chain.record_id', '=', `${table}.id`))),
    )
    .limit(1)
    .executeTakeFirst()
  return row?.id
}

export const meetingFormSource: RecordSource = {
  kind: 'meeting_form',
  load: async (db, ids) => {
    const forms = await findStoredForms(db, formDefinition, ids)
    return new Map<string, Canonical>(forms.map((form) => [form.id, meetingFormContent(form)]))
  },
  findUnlinked: (db) => findUnlinked(db, 'meeting_forms'),
}

export const activityRecordSource: RecordSource = {
  kind: 'activity_record',
  load: async (db, ids) => {
    const records = await findStoredActivities(db, ids)
    return new Map<string, Canonical>(records.map((record) => [record.id, activityContent(record)]))
  },
  findUnlinked: (db) => findUnlinked(db, 'activity_records'),
}

export const recordSources: readonly RecordSource[] = [meetingFormSource, activityRecordSource]
