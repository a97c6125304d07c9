// Turns zod issues into the app's field errors. Schemas give their own reason codes as the issue
// message (e.g. 'invalid_phone'); other issues get a code from their kind.
import type { z } from 'zod'
import type { FieldError } from '../errors.js'

const REASON_CODE = /^[a-z][a-z0-9_]*$/

function codeOf(issue: z.core.$ZodIssue): string {
  if (REASON_CODE.test(issue.message)) return issue.message
  switch (issue.code) {
    case 'invalid_type':
      return 'required'
    case 'too_small':
      return 'too_small'
    case 'too_big':
      return 'too_big'
    case 'invalid_format':
      return issue.format === 'email' ? 'invalid_email' : 'invalid'
    case 'invalid_value':
      return 'invalid_choice'
    case 'unrecognized_keys':
      return 'unknown_field'
    default:
      return 'invalid'
  }
}

export function fieldErrorsFromZod(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const seen = new Set<string>()
  const fields: FieldError[] = []
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields.push({ field: [...issue.path, key].map(String).join('.'), code: 'unknown_field' })
      continue
    }
    const field = issue.path.map(String).join('.')
    if (seen.has(field)) continue // the first problem of a field is the one to fix first
    seen.add(field)
    fields.push({ field, code: codeOf(issue) })
  }
  return fields
}
