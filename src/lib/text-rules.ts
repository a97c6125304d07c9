// Rules for one-line text that people name things with (users, teams, tokens): no control
// characters, and no bidirectional controls, which reorder how the text is shown and so let a
// name look like another (for example an administrator's) in lists and the audit log.

/** No control characters (NUL, tabs, line breaks) in names, addresses or other one-line text. */
export const noControlCharacters = (text: string): boolean => !/[\u0000-\u001f\u007f]/.test(text)

/** U+202A-U+202E (embeddings, overrides) and U+2066-U+2069 (isolates). */
export const noBidiControls = (text: string): boolean => !/[\u202a-\u202e\u2066-\u2069]/.test(text)
