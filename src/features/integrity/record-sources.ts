// The kinds of record the chain covers, and how to read each back as the content it hashed.
import type { Canonical } from '../../lib/canonical-json.js'
import { findStoredActivities } from '../activity/activity.repository.js'
import { activityContent } from '../activity/activity.service.js'
import { formDefinition } from '../forms/definition.js'
import { findStoredForms } from '../forms/forms.repository.js'
import { meetingFormContent } from '../forms/stored-form.js'
import { findUnsealed } from './chain.repository.js'
import type { RecordSource } from './verify.service.js'
import { withdrawalDecisionSource, withdrawalRequestSource } from '../withdrawals/withdrawal-records.js'

export const meetingFormSource: RecordSource = {
  kind: 'meeting_form',
  load: async (db, ids) => {
    const forms = await findStoredForms(db, formDefinition, ids)
    return new Map<string, Canonical>(forms.map((form) => [form.id, meetingFormContent(form)]))
  },
  findUnsealed: (db, filedBefore) => findUnsealed(db, 'meeting_forms', filedBefore),
}

export const activityRecordSource: RecordSource = {
  kind: 'activity_record',
  load: async (db, ids) => {
    const records = await findStoredActivities(db, ids)
    return new Map<string, Canonical>(records.map((record) => [record.id, activityContent(record)]))
  },
  findUnsealed: (db, filedBefore) => findUnsealed(db, 'activity_records', filedBefore),
}

export const recordSources: readonly RecordSource[] = [meetingFormSource, activityRecordSource, withdrawalRequestSource, withdrawalDecisionSource]
