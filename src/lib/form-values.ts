// Helpers for HTML form bodies: a repeated field arrives as a string or an array of strings.
import { z } from 'zod'

/** A field that may be repeated (checkboxes): always an array of strings. */
export function repeatedField<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]), z.array(item))
}
