// The short reference of a filed form that people read out on the phone and see on its receipt.

/** The first eight characters of the form's id, in capitals. */
export function referenceOf(id: string): string {
  return id.replace(/-/g, '').slice(0, 8).toUpperCase()
}
