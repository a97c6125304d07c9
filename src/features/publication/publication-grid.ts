// Which groups of forms ("aggregates": a period and an area) get protected answer tables, and which
// are withheld. Pure.
//
// The cell-key method gives the same published value to the same set of forms. So when two published
// aggregates differ by only a few forms, every cell those forms are not in has exactly the same set
// in both, and the same value: comparing the two tables cell by cell would show which answers the few
// forms gave. The rules below keep every such difference either empty or a group of at least
// `minForms` forms, even after a reader takes away the forms of any one team (a team's members know
// their own team's forms exactly, and may file forms of their own to pad a difference):
//
//   a group G of forms is safe when |G| = 0, or |G| >= minForms and, for every team t,
//   |G minus t's forms| is 0 or >= minForms;
//   an aggregate is published only when its own forms are a safe group, and for every other
//   published aggregate it overlaps, both differences (A \ B and B \ A) are safe groups;
//   and where a published whole is split into parts (a year into its quarters; the country into
//   counties, into police departments, or a year's into teams; a county's or police department's
//   year into the years of its teams), the whole minus its published parts is a safe group too (so
//   that summing the parts and subtracting cannot single out a small withheld part).
//
// Aggregates are decided once, in a fixed order (larger areas and whole years first), and a decision
// never changes: a later candidate that conflicts with an earlier one is withheld.

export interface Atom {
  /** YYYY-MM */
  readonly month: string
  readonly teamId: string
  /** the wellbeing services county and police department recorded when the forms were filed */
  readonly county: string
  readonly police: string
  /** the release the forms entered */
  readonly release: number
  readonly forms: number
}

export type GridPeriod = { readonly type: 'year'; readonly year: number } | { readonly type: 'quarter'; readonly year: number; readonly quarter: number }
export type GridArea =
  | { readonly level: 'country' }
  | { readonly level: 'county' | 'police' | 'team'; readonly code: string }

export interface Aggregate {
  readonly key: string
  readonly period: GridPeriod
  readonly area: GridArea
  /** forms that entered releases up to this one are in the aggregate; later ones never are */
  readonly cutoff: number
  /**
   * A year's forms are exactly its four quarters' forms: a form of a quarter that entered a release
   * after that quarter was decided (a late form) is in neither. Otherwise the year minus its four
   * published quarters would single out the late forms. The cutoffs of the year's quarters, in
   * order; a year without them uses `cutoff` for every month.
   */
  readonly quarterCutoffs?: readonly number[]
}

export type WithheldReason = 'too_few_forms' | 'one_team' | 'close_to_other' | 'rest_too_small'
export type Decision = { readonly status: 'published' } | { readonly status: 'withheld'; readonly reason: WithheldReason; readonly other?: string }

export function periodKey(period: GridPeriod): string {
  return period.type === 'year' ? String(period.year) : `${period.year}-Q${period.quarter}`
}

export function areaKey(area: GridArea): string {
  return area.level === 'country' ? 'country' : `${area.level}:${area.code}`
}

export function aggregateKey(period: GridPeriod, area: GridArea): string {
  return `${periodKey(period)}|${areaKey(area)}`
}

export function periodContains(period: GridPeriod, month: string): boolean {
  const year = Number(month.slice(0, 4))
  if (year !== period.year) return false
  if (period.type === 'year') return true
  return Math.ceil(Number(month.slice(5, 7)) / 3) === period.quarter
}

/** The last month (YYYY-MM) of a period: its tables can be made once this month has closed. */
export function lastMonthOf(period: GridPeriod): string {
  const month = period.type === 'year' ? 12 : period.quarter * 3
  return `${period.year}-${String(month).padStart(2, '0')}`
}

export function areaContains(area: GridArea, atom: Atom): boolean {
  switch (area.level) {
    case 'country':
      return true
    case 'county':
      return atom.county === area.code
    case 'police':
      return atom.police === area.code
    case 'team':
      return atom.teamId === area.code
  }
}

/** The quarter (1-4) of a month YYYY-MM. */
export function quarterOf(month: string): number {
  return Math.ceil(Number(month.slice(5, 7)) / 3)
}

export function aggregateContains(aggregate: Aggregate, atom: Atom): boolean {
  const cutoff = aggregate.quarterCutoffs?.[quarterOf(atom.month) - 1] ?? aggregate.cutoff
  return atom.release <= cutoff && periodContains(aggregate.period, atom.month) && areaContains(aggregate.area, atom)
}

/**
 * The atoms of each aggregate, found through an index by year (no aggregate spans years) and kept
 * per aggregate key, so that deciding and tabulating many aggregates does not rescan every atom.
 */
export function atomFinder(atoms: readonly Atom[]): (aggregate: Aggregate) => Atom[] {
  const byYear = new Map<number, Atom[]>()
  for (const atom of atoms) {
    const year = Number(atom.month.slice(0, 4))
    const list = byYear.get(year)
    if (list) list.push(atom)
    else byYear.set(year, [atom])
  }
  const found = new Map<string, Atom[]>()
  return (aggregate) => {
    let list = found.get(aggregate.key)
    if (!list) {
      list = (byYear.get(aggregate.period.year) ?? []).filter((atom) => aggregateContains(aggregate, atom))
      found.set(aggregate.key, list)
    }
    return list
  }
}

export type TeamCounts = ReadonlyMap<string, number>

/** Why a group of forms (given as forms per team) is not safe, or null when it is. */
export function unsafeGroup(teamCounts: TeamCounts, minForms: number): WithheldReason | null {
  let total = 0
  for (const n of teamCounts.values()) total += n
  if (total === 0) return null
  if (total < minForms) return 'too_few_forms'
  for (const n of teamCounts.values()) {
    const rest = total - n
    if (rest !== 0 && rest < minForms) return 'one_team'
  }
  return null
}

function addTo(counts: Map<string, number>, team: string, n: number): void {
  counts.set(team, (counts.get(team) ?? 0) + n)
}

/**
 * Decides candidates in the order given, against the aggregates published before (whose decisions
 * stand) and the candidates accepted before them in this call.
 */
export function decideAggregates(
  candidates: readonly Aggregate[],
  published: readonly Aggregate[],
  atoms: readonly Atom[],
  minForms: number,
): Map<string, Decision> {
  const live = atoms.filter((a) => a.forms > 0)
  const atomsIn = atomFinder(live)
  // which accepted aggregates each atom belongs to, so that overlaps are found without a full scan
  const membersOf = new Map<Atom, Aggregate[]>()
  const atomsOf = new Map<string, Atom[]>()
  const accept = (aggregate: Aggregate, mine: Atom[]) => {
    atomsOf.set(aggregate.key, mine)
    for (const atom of mine) {
      const list = membersOf.get(atom)
      if (list) list.push(aggregate)
      else membersOf.set(atom, [aggregate])
    }
  }
  for (const aggregate of published) accept(aggregate, atomsIn(aggregate))

  const decisions = new Map<string, Decision>()
  for (const candidate of candidates) {
    const mine = atomsIn(candidate)
    const own = new Map<string, number>()
    for (const atom of mine) addTo(own, atom.teamId, atom.forms)
    const ownReason = unsafeGroup(own, minForms)
    if (ownReason) {
      decisions.set(candidate.key, { status: 'withheld', reason: ownReason })
      continue
    }
    const mineSet = new Set(mine)
    const overlapping = new Set<Aggregate>()
    for (const atom of mine) for (const other of membersOf.get(atom) ?? []) overlapping.add(other)
    let conflict: Aggregate | undefined
    for (const other of overlapping) {
      const theirs = atomsOf.get(other.key)!
      const theirSet = new Set(theirs)
      const onlyMine = new Map<string, number>()
      const onlyTheirs = new Map<string, number>()
      for (const atom of mine) if (!theirSet.has(atom)) addTo(onlyMine, atom.teamId, atom.forms)
      for (const atom of theirs) if (!mineSet.has(atom)) addTo(onlyTheirs, atom.teamId, atom.forms)
      if (unsafeGroup(onlyMine, minForms) || unsafeGroup(onlyTheirs, minForms)) {
        conflict = other
        break
      }
    }
    if (conflict) {
      decisions.set(candidate.key, { status: 'withheld', reason: 'close_to_other', other: conflict.key })
      continue
    }
    decisions.set(candidate.key, { status: 'published' })
    accept(candidate, mine)
  }
  withholdRevealingParts(candidates, published, atomsIn, minForms, decisions)
  return decisions
}

/** Wholes and the parts that split them: every form of a whole is in exactly one of its parts. */
function partitions(aggregates: readonly Aggregate[]): { whole: Aggregate; parts: Aggregate[] }[] {
  const byPeriodAndLevel = new Map<string, Aggregate[]>()
  for (const a of aggregates) {
    const key = `${periodKey(a.period)}|${a.area.level}`
    const list = byPeriodAndLevel.get(key)
    if (list) list.push(a)
    else byPeriodAndLevel.set(key, [a])
  }
  const byKey = new Map(aggregates.map((a) => [a.key, a]))
  const result: { whole: Aggregate; parts: Aggregate[] }[] = []
  for (const whole of aggregates) {
    if (whole.period.type === 'year' && whole.area.level !== 'team') {
      const quarters = [1, 2, 3, 4].map((quarter) => byKey.get(aggregateKey({ type: 'quarter', year: whole.period.year, quarter }, whole.area)))
      result.push({ whole, parts: quarters.filter((q): q is Aggregate => q !== undefined) })
    }
    if (whole.area.level === 'country') {
      const levels = whole.period.type === 'year' ? (['county', 'police', 'team'] as const) : (['county', 'police'] as const)
      for (const level of levels) result.push({ whole, parts: byPeriodAndLevel.get(`${periodKey(whole.period)}|${level}`) ?? [] })
    }
    // a county's or police department's year and the years of the teams in it (only the teams whose
    // year lies wholly inside it count as parts: see withholdRevealingParts)
    if (whole.period.type === 'year' && (whole.area.level === 'county' || whole.area.level === 'police')) {
      result.push({ whole, parts: byPeriodAndLevel.get(`${periodKey(whole.period)}|team`) ?? [] })
    }
  }
  return result
}

/**
 * The pairwise rule above does not see sums: a year minus three published quarters is its fourth
 * quarter, the country minus every published county is the withheld counties. Where a published
 * whole minus its published parts is not a safe group, the smallest published part decided in this
 * call is withheld too (or, when every published part was decided before, the whole), until every
 * such rest is safe. Decisions only go from published to withheld, so this ends.
 */
function withholdRevealingParts(
  candidates: readonly Aggregate[],
  published: readonly Aggregate[],
  atomsOfAggregate: (aggregate: Aggregate) => readonly Atom[],
  minForms: number,
  decisions: Map<string, Decision>,
): void {
  const earlier = new Set(published.map((a) => a.key))
  const isCandidate = (a: Aggregate) => decisions.has(a.key)
  const isPublished = (a: Aggregate) => earlier.has(a.key) || decisions.get(a.key)?.status === 'published'
  const atomsOf = new Map<string, Set<Atom>>()
  const atomsIn = (a: Aggregate) => {
    let set = atomsOf.get(a.key)
    if (!set) atomsOf.set(a.key, (set = new Set(atomsOfAggregate(a))))
    return set
  }
  const formsIn = (a: Aggregate) => [...atomsIn(a)].reduce((sum, atom) => sum + atom.forms, 0)
  const splits = partitions([...published, ...candidates]).filter(({ whole, parts }) => isCandidate(whole) || parts.some(isCandidate))
  let changed = true
  while (changed) {
    changed = false
    for (const { whole, parts } of splits) {
      if (!isPublished(whole)) continue
      // a part counts only when all of its forms are in the whole (a team that moved during the year
      // is not a part of either area: its forms in the area stay in the rest)
      const wholeAtoms = atomsIn(whole)
      const inside = (part: Aggregate) => atomsIn(part).size > 0 && [...atomsIn(part)].every((atom) => wholeAtoms.has(atom))
      const shown = parts.filter((part) => isPublished(part) && inside(part))
      if (shown.length === 0) continue
      const covered = new Set<Atom>()
      for (const part of shown) for (const atom of atomsIn(part)) covered.add(atom)
      const rest = new Map<string, number>()
      for (const atom of wholeAtoms) if (!covered.has(atom)) addTo(rest, atom.teamId, atom.forms)
      if (!unsafeGroup(rest, minForms)) continue
      const movable = shown.filter(isCandidate).sort((a, b) => formsIn(a) - formsIn(b) || a.key.localeCompare(b.key))
      const target = movable[0] ?? (isCandidate(whole) ? whole : undefined)
      if (!target) continue
      decisions.set(target.key, { status: 'withheld', reason: 'rest_too_small', other: whole.key })
      changed = true
    }
  }
}

/**
 * Columns of a two-way table are groups too: a column (the forms with one answer of the split) is
 * shown only when it is a safe group and so is the rest of the aggregate without it.
 */
export function publishedColumns(columns: ReadonlyMap<string, TeamCounts>, aggregate: TeamCounts, minForms: number): Set<string> {
  const shown = new Set<string>()
  for (const [code, counts] of columns) {
    const rest = new Map(aggregate)
    for (const [team, n] of counts) rest.set(team, (rest.get(team) ?? 0) - n)
    if (!unsafeGroup(counts, minForms) && !unsafeGroup(rest, minForms)) shown.add(code)
  }
  return shown
}
