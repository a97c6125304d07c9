// Validates input against a zod schema at the edge; throws ValidationError naming every bad field.
import type { z } from 'zod'
import { ValidationError } from '../errors.js'
import { fieldErrorsFromZod } from './zod-fields.js'

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) throw new ValidationError(fieldErrorsFromZod(result.error.issues))
  return result.data
}
