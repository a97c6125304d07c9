// What a team form or API request must contain; codes are checked against the regions data.
import { z } from 'zod'
import { repeatedField } from '../../lib/form-values.js'
import { findPersonalData } from '../../lib/personal-data.js'
import { noBidiControls, noControlCharacters } from '../../lib/text-rules.js'
import { findCounty, findMunicipality, findPoliceDepartment } from '../../regions/index.js'

export const teamFieldsSchema = z.object({
  // A team's name is shown on every report; it must not become a place to note a young person.
  name: z
    .string('required')
    .trim()
    .refine(noControlCharacters, 'invalid')
    .refine(noBidiControls, 'bidi_control')
    .pipe(z.string().min(2, 'required').max(120, 'too_long'))
    .refine((v) => findPersonalData(v) === undefined, 'personal_data'),
  policeDepartment: z.string('required').refine((code) => findPoliceDepartment(code) !== undefined, 'invalid_choice'),
  wellbeingCounty: z.string('required').refine((code) => findCounty(code) !== undefined, 'invalid_choice'),
  municipalities: repeatedField(z.string().refine((code) => findMunicipality(code) !== undefined, 'invalid_choice')).transform(
    (codes) => [...new Set(codes)].sort(),
  ),
})

export type TeamInput = z.output<typeof teamFieldsSchema>
