// Option lists for the user forms' selects, labelled in the page's language.
import type { Team } from '../../db/schema.js'
import { PROFESSIONS, USER_ROLES } from '../../db/schema.js'
import { translate, type Lang } from '../../i18n/index.js'
import { REGISTRATION_ROLES } from './users.schemas.js'

export interface SelectOption {
  value: string
  label: string
}

export const teamOptions = (teams: readonly Team[]): SelectOption[] => teams.map((t) => ({ value: t.id, label: t.name }))

export const professionOptions = (lang: Lang): SelectOption[] =>
  PROFESSIONS.map((p) => ({ value: p, label: translate(lang, `professions.${p}`) }))

export const roleOptions = (lang: Lang): SelectOption[] => USER_ROLES.map((r) => ({ value: r, label: translate(lang, `roles.${r}`) }))

/** The registration's role question, as radio buttons; `chosen` is the answer given. */
export const registrationRoleOptions = (lang: Lang, chosen: unknown): (SelectOption & { checked: boolean })[] =>
  REGISTRATION_ROLES.map((r) => ({ value: r, label: translate(lang, `registration.role_${r}`), checked: r === chosen }))
