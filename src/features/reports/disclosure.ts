// Disclosure control for published counts: small counts are hidden, and so are enough others that no hidden one can be worked out.

export type CellStatus = 'published' | 'primary' | 'secondary'
/** One number as it may be shown: value is null whenever status is not 'published'. */
export interface ProtectedCount { readonly value: number | null; readonly status: CellStatus }
export interface DisclosureRules { readonly threshold: number }

export interface OneWayProtection { readonly cells: ProtectedCount[]; readonly total: ProtectedCount }
export interface TwoWayProtection {
  readonly cells: ProtectedCount[][]
  readonly rowTotals: ProtectedCount[]
  readonly columnTotals: ProtectedCount[]
  readonly grandTotal: ProtectedCount
}
export interface MultipleChoiceProtection { readonly cells: ProtectedCount[]; readonly base: ProtectedCount }
export interface MultipleChoiceTwoWayProtection {
  readonly cells: ProtectedCount[][]
  readonly rowTotals: ProtectedCount[]
  readonly columnBases: ProtectedCount[]
  readonly grandBase: ProtectedCount
}
/** A protection plus the cells it could not protect, named like the result's fields (should always be empty). */
export type Audited<T> = T & { readonly stillExposed: string[] }

// ---------------------------------------------------------------------------------------------
// The engine: a table is a network whose cells are edges carrying their value as a flow.

/** A network cell's fate: implicit cells are derivable but never displayed, so always hidden. */
export type NetworkStatus = CellStatus | 'implicit'

export interface NetworkCell {
  readonly from: number
  readonly to: number
  readonly value: number
  /** Derivable but never displayed: always hidden; the attacker knows only that it is >= 0. */
  readonly implicit?: boolean
  /** A total: hidden only when no path through interior cells would do. */
  readonly margin?: boolean
  /** Status decided elsewhere (e.g. a margin shared with another table): never changed here. */
  readonly locked?: NetworkStatus
}

export interface NetworkProtection {
  readonly statuses: NetworkStatus[]
  /** Indices of cells that must not be determined but still are (should never happen). */
  readonly stillExposed: number[]
}

/**
 * The attacker's view of one network, and the search for cells to hide. Arcs are kept in flat
 * arrays (arc 2c raises cell c, arc 2c+1 lowers it) because the searches run once per hidden cell.
 */
class Network {
  private readonly statuses: NetworkStatus[]
  /** Arcs leaving node n: arcIds[arcStart[n] .. arcStart[n+1]); arcs entering it likewise in inStart, inIds. */
  private readonly arcStart: Int32Array
  private readonly arcIds: Int32Array
  private readonly inStart: Int32Array
  private readonly inIds: Int32Array
  private readonly tails: Int32Array
  private readonly heads: Int32Array
  /** Per arc: 1 when its cell is hidden and can move that way by one within its bounds. */
  private readonly open: Uint8Array
  /** Per arc, for the cheapest-path search: 0 when open, the price of hiding its cell when that would open it, -1 otherwise. */
  private readonly price: Float64Array
  /** Scratch space for the searches, reused: a node counts as seen when seen[node] === visit. */
  private readonly seen: Int32Array
  private visit = 0
  private readonly best: Float64Array
  private readonly via: Int32Array
  private readonly queue = new MinHeap()
  /** Surcharge for hiding a margin: more than all interior cells together. */
  private readonly marginCost: number
  /** Counts the cells hidden so far, so that callers can cache what depends on them. */
  version = 0

  constructor(
    private readonly nodeCount: number,
    private readonly cells: readonly NetworkCell[],
    private readonly k: number,
  ) {
    this.statuses = cells.map((cell) => cell.locked ?? (cell.implicit ? 'implicit' : this.isSmall(cell.value) ? 'primary' : 'published'))
    // Raising a cell moves a unit from its tail to its head; lowering it, the reverse.
    this.tails = Int32Array.from({ length: 2 * cells.length }, (_, arc) => (arc & 1 ? this.cell(arc >> 1).to : this.cell(arc >> 1).from))
    this.heads = Int32Array.from({ length: 2 * cells.length }, (_, arc) => (arc & 1 ? this.cell(arc >> 1).from : this.cell(arc >> 1).to))
    ;[this.arcStart, this.arcIds] = groupArcs(this.tails, nodeCount)
    ;[this.inStart, this.inIds] = groupArcs(this.heads, nodeCount)
    this.marginCost = cells.reduce((sum, cell) => sum + cell.value, 1)
    this.open = new Uint8Array(2 * cells.length)
    this.price = new Float64Array(2 * cells.length)
    cells.forEach((_, index) => this.refresh(index))
    this.seen = new Int32Array(nodeCount)
    this.best = new Float64Array(nodeCount)
    this.via = new Int32Array(nodeCount)
  }

  status(index: number): NetworkStatus {
    return this.statuses[index] ?? 'published'
  }

  private cell(index: number): NetworkCell {
    const cell = this.cells[index]
    if (!cell) throw new Error(`no cell ${index}`)
    return cell
  }

  private isSmall(value: number): boolean {
    return value >= 1 && value < this.k
  }

  isHidden(index: number): boolean {
    return this.status(index) !== 'published'
  }

  /** Cells whose value must stay unknown: every hidden count, and small implicit ones. */
  mustProtect(index: number): boolean {
    const status = this.status(index)
    if (status === 'implicit') return this.isSmall(this.cell(index).value)
    return status !== 'published'
  }

  /** A published cell this run may still hide; zeros are always shown. */
  private isEligible(index: number): boolean {
    const cell = this.cell(index)
    return this.status(index) === 'published' && cell.locked === undefined && cell.value > 0
  }

  /** Can a hidden cell move by one in this direction and stay within what the attacker knows of it? */
  canShift(index: number, up: boolean): boolean {
    const value = this.cell(index).value
    switch (this.status(index)) {
      case 'primary': return up ? value + 1 <= this.k - 1 : value - 1 >= 1
      case 'secondary': return up || value - 1 >= this.k
      case 'implicit': return up || value >= 1
      case 'published': return false
    }
  }

  /** The same for a published cell once it were hidden as secondary. */
  private couldShift(index: number, up: boolean): boolean {
    return up || this.cell(index).value - 1 >= this.k
  }

  private refresh(index: number): void {
    for (const up of [true, false]) {
      const arc = up ? 2 * index : 2 * index + 1
      this.open[arc] = this.canShift(index, up) ? 1 : 0
      this.price[arc] = this.isHidden(index) ? (this.open[arc] ? 0 : -1) : this.isEligible(index) && this.couldShift(index, up) ? this.hidingPrice(index) : -1
    }
  }

  /** A cell's value, and for a margin a surcharge so that any set of interior cells costs less. */
  private hidingPrice(index: number): number {
    const { margin, value } = this.cell(index)
    return value + (margin ? this.marginCost : 0)
  }

  /** Exact for bounded integer flows: a hidden cell can take another value iff a feasible unit cycle runs through it. */
  isDetermined(index: number): boolean {
    // Raising a cell needs the extra unit to flow back from its head to its tail without it.
    for (let arc = 2 * index; arc <= 2 * index + 1; arc++) {
      if (this.open[arc] === 1 && this.reaches(this.heads[arc]!, this.tails[arc]!, index)) return false
    }
    return true
  }

  private reaches(start: number, goal: number, avoid: number): boolean {
    const seen = this.seen
    const mark = ++this.visit
    const stack = [start]
    seen[start] = mark
    while (stack.length > 0) {
      const node = stack.pop()!
      if (node === goal) return true
      for (let position = this.arcStart[node]!; position < this.arcStart[node + 1]!; position++) {
        const arc = this.arcIds[position]!
        if (this.open[arc] === 0 || arc >> 1 === avoid) continue
        const head = this.heads[arc]!
        if (seen[head] === mark) continue
        seen[head] = mark
        stack.push(head)
      }
    }
    return false
  }

  /** Nodes reachable from start along open arcs without the cell avoided (or, backwards, the nodes that reach start). */
  reachable(start: number, avoid: number, backwards = false): Uint8Array {
    const [starts, ids, ends] = backwards ? [this.inStart, this.inIds, this.tails] : [this.arcStart, this.arcIds, this.heads]
    const seen = new Uint8Array(this.nodeCount)
    const stack = [start]
    seen[start] = 1
    while (stack.length > 0) {
      const node = stack.pop()!
      for (let position = starts[node]!; position < starts[node + 1]!; position++) {
        const arc = ids[position]!
        const next = ends[arc]!
        if (this.open[arc] === 0 || arc >> 1 === avoid || seen[next]) continue
        seen[next] = 1
        stack.push(next)
      }
    }
    return seen
  }

  /** The ways a hidden cell can move by one: the unit goes from tail to head. */
  openArcs(index: number): { tail: number; head: number }[] {
    return [2 * index, 2 * index + 1].filter((arc) => this.open[arc] === 1).map((arc) => ({ tail: this.tails[arc]!, head: this.heads[arc]! }))
  }

  /** The published cells to hide so that a determined cell gets a feasible cycle, cheapest first; null if none can. */
  cheapestCover(index: number): number[] | null {
    let best: { cost: number; cells: number[] } | null = null
    for (const arc of [2 * index, 2 * index + 1]) {
      if (this.open[arc] === 0) continue
      const found = this.cheapestPath(this.heads[arc]!, this.tails[arc]!, index, best?.cost ?? Infinity)
      if (found) best = found
    }
    return best?.cells ?? null
  }

  /** Dijkstra from start to goal without the cell avoided; null when nothing cheaper than `bound` exists. */
  cheapestPath(start: number, goal: number, avoid: number, bound = Infinity): { cost: number; cells: number[] } | null {
    // best[n] is meaningful once seen[n] === mark; a settled node gets -mark.
    const { best, via, seen, queue } = this
    const mark = ++this.visit
    const known = (node: number): number => (seen[node] === mark || seen[node] === -mark ? best[node]! : Infinity)
    queue.clear()
    seen[start] = mark
    best[start] = 0
    queue.push(0, start)
    while (queue.size > 0) {
      const node = queue.pop()
      if (seen[node] === -mark) continue
      seen[node] = -mark
      if (node === goal) break
      for (let position = this.arcStart[node]!; position < this.arcStart[node + 1]!; position++) {
        const arc = this.arcIds[position]!
        const head = this.heads[arc]!
        const step = this.price[arc]!
        if (step < 0 || arc >> 1 === avoid || seen[head] === -mark) continue
        const reached = best[node]! + step
        if (known(head) <= reached || reached >= bound || reached >= known(goal)) continue
        seen[head] = mark
        best[head] = reached
        via[head] = arc
        queue.push(reached, head)
      }
    }
    if (seen[goal] !== -mark) return null
    const cells: number[] = []
    for (let node = goal; node !== start; node = this.tails[via[node]!]!) {
      const index = via[node]! >> 1
      if (!this.isHidden(index)) cells.push(index)
    }
    return { cost: best[goal]!, cells }
  }

  hideAsSecondary(index: number): void {
    this.statuses[index] = 'secondary'
    this.refresh(index)
    this.version += 1
  }

  /** Hides cells until no cell that must stay unknown is determined; returns those that still are. */
  protect(): number[] {
    const toCheck = this.cells.map((_, index) => index).filter((index) => this.mustProtect(index))
    const uncovered: number[] = []
    // Hiding more only widens what the attacker must consider, so a cell once covered stays covered:
    // each cell needs checking once, and cells hidden on the way are added to the end.
    for (let position = 0; position < toCheck.length; position++) {
      const index = toCheck[position]!
      if (!this.isDetermined(index)) continue
      let cover = this.cheapestCover(index)
      if (!cover) {
        // Hiding everything cannot help either (the search already counted every cell that could be
        // hidden); it is done anyway as the last line of defence.
        cover = this.eligibleCells()
        uncovered.push(index)
      }
      for (const hidden of cover) {
        this.hideAsSecondary(hidden)
        toCheck.push(hidden)
      }
    }
    return uncovered.filter((index) => this.isDetermined(index))
  }

  value(index: number): number {
    return this.cell(index).value
  }

  cellIndices(): number[] {
    return this.cells.map((_, index) => index)
  }

  eligibleCells(): number[] {
    return this.cells.map((_, index) => index).filter((index) => this.isEligible(index))
  }

  allStatuses(): NetworkStatus[] {
    return [...this.statuses]
  }
}

/** Arcs grouped by a node of theirs (compressed rows): start offsets per node, and the arc ids. */
function groupArcs(nodeOf: Int32Array, nodeCount: number): [Int32Array, Int32Array] {
  const start = new Int32Array(nodeCount + 1)
  for (const node of nodeOf) start[node + 1]! += 1
  for (let node = 0; node < nodeCount; node++) start[node + 1]! += start[node]!
  const filled = start.slice(0, nodeCount)
  const ids = new Int32Array(nodeOf.length)
  nodeOf.forEach((node, arc) => (ids[filled[node]!++] = arc))
  return [start, ids]
}

/** A binary min-heap of nodes by cost; the caller skips nodes already settled. */
class MinHeap {
  private readonly costs: number[] = []
  private readonly nodes: number[] = []

  get size(): number {
    return this.nodes.length
  }

  clear(): void {
    this.costs.length = 0
    this.nodes.length = 0
  }

  push(cost: number, node: number): void {
    const { costs, nodes } = this
    let i = nodes.length
    costs.push(cost)
    nodes.push(node)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (costs[parent]! <= cost) break
      costs[i] = costs[parent]!
      nodes[i] = nodes[parent]!
      i = parent
    }
    costs[i] = cost
    nodes[i] = node
  }

  /** The cheapest node; only call when size > 0. */
  pop(): number {
    const { costs, nodes } = this
    const top = nodes[0]!
    const cost = costs.pop()!
    const node = nodes.pop()!
    const size = nodes.length
    if (size === 0) return top
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= size) break
      if (child + 1 < size && costs[child + 1]! < costs[child]!) child += 1
      if (costs[child]! >= cost) break
      costs[i] = costs[child]!
      nodes[i] = nodes[child]!
      i = child
    }
    costs[i] = cost
    nodes[i] = node
    return top
  }
}

/**
 * Primary suppression of small counts, then secondary suppression until no hidden cell (nor small
 * implicit one) is determined by the published cells and the attacker's bounds.
 */
export function protectNetwork(nodeCount: number, cells: readonly NetworkCell[], rules: DisclosureRules): NetworkProtection {
  const k = checkedThreshold(rules)
  for (const cell of cells) {
    checkCount(cell.value, 'a network cell')
    if (![cell.from, cell.to].every((node) => Number.isInteger(node) && node >= 0 && node < nodeCount)) {
      throw new Error(`a network cell joins nodes outside 0..${nodeCount - 1}`)
    }
  }
  const network = new Network(nodeCount, cells, k)
  const stillExposed = network.protect()
  return { statuses: network.allStatuses(), stillExposed }
}

// ---------------------------------------------------------------------------------------------
// Table kinds as networks.

/** A one-way table: cells r -> g (nodes 0 -> 1), the total g -> r as the last cell. */
function oneWayNetwork(counts: readonly number[], dressTotal: Partial<NetworkCell> = {}, dressCell: (index: number) => Partial<NetworkCell> = () => ({})): NetworkCell[] {
  const total = counts.reduce((sum, count) => sum + count, 0)
  return [
    ...counts.map((value, index) => ({ ...dressCell(index), from: 0, to: 1, value })),
    { margin: true, ...dressTotal, from: 1, to: 0, value: total },
  ]
}

/** Where each part of an R x C table sits in its network's cell list. */
class TwoWayLayout {
  constructor(readonly rows: number, readonly columns: number) {}

  get nodeCount(): number {
    return this.rows + this.columns + 2
  }

  interior(row: number, column: number): number {
    return row * this.columns + column
  }

  rowTotal(row: number): number {
    return this.rows * this.columns + row
  }

  columnTotal(column: number): number {
    return this.rows * this.columns + this.rows + column
  }

  get grandTotal(): number {
    return this.rows * this.columns + this.rows + this.columns
  }

  /** Nodes row_i, col_j, rowM, colM; interior row_i -> col_j, row total colM -> row_i, column total col_j -> rowM, grand rowM -> colM. */
  network(values: readonly (readonly number[])[]): NetworkCell[] {
    const { rows, columns } = this
    const rowM = rows + columns
    const colM = rowM + 1
    const column = (j: number): number => rows + j
    const rowSums = values.map((row) => row.reduce((sum, value) => sum + value, 0))
    const columnSums = Array.from({ length: columns }, (_, j) => values.reduce((sum, row) => sum + (row[j] ?? 0), 0))
    const cells: NetworkCell[] = []
    values.forEach((row, i) => row.forEach((value, j) => cells.push({ from: i, to: column(j), value })))
    rowSums.forEach((value, i) => cells.push({ margin: true, from: colM, to: i, value }))
    columnSums.forEach((value, j) => cells.push({ margin: true, from: column(j), to: rowM, value }))
    cells.push({ margin: true, from: rowM, to: colM, value: rowSums.reduce((sum, value) => sum + value, 0) })
    return cells
  }
}

function shown(value: number, status: NetworkStatus): ProtectedCount {
  if (status === 'implicit') throw new Error('an implicit cell is never shown')
  return { value: status === 'published' ? value : null, status }
}

function statusAt(protection: NetworkProtection, index: number): NetworkStatus {
  const status = protection.statuses[index]
  if (!status) throw new Error(`no status for cell ${index}`)
  return status
}

// ---------------------------------------------------------------------------------------------
// The public table kinds.

/** A one-way table whose counts add up to the total, with the cells it could not protect. */
export function protectOneWayDetailed(counts: readonly number[], rules: DisclosureRules, options: OneWayOptions = {}): Audited<OneWayProtection> {
  const k = checkedThreshold(rules)
  counts.forEach((count, i) => checkCount(count, `counts[${i}]`))
  const sum = counts.reduce((a, b) => a + b, 0)
  const forced: Partial<NetworkCell> = options.hideTotal && sum > 0 ? { locked: sum < k ? 'primary' : 'secondary' } : {}
  const cells = oneWayNetwork(counts, forced)
  const protection = protectNetwork(2, cells, rules)
  const total = counts.length
  return {
    cells: counts.map((count, i) => shown(count, statusAt(protection, i))),
    total: shown((cells[total] as NetworkCell).value, statusAt(protection, total)),
    stillExposed: protection.stillExposed.map((i) => (i === total ? 'total' : `cells[${i}]`)),
  }
}

export interface OneWayOptions {
  /** The total is hidden in another table on the same page: hide it here too, and protect around it. */
  readonly hideTotal?: boolean
}

/** A one-way table whose counts add up to the total (e.g. gender, age groups, months of a year, teams). */
export function protectOneWay(counts: readonly number[], rules: DisclosureRules, options: OneWayOptions = {}): OneWayProtection {
  const { stillExposed: _, ...result } = protectOneWayDetailed(counts, rules, options)
  return result
}

/** A rows x columns table with margins, additive both ways, with the cells it could not protect. */
export function protectTwoWayDetailed(cells: readonly (readonly number[])[], rules: DisclosureRules): Audited<TwoWayProtection> {
  checkedThreshold(rules)
  const columns = checkRectangular(cells, cells[0]?.length ?? 0, 'cells')
  const layout = new TwoWayLayout(cells.length, columns)
  const network = layout.network(cells)
  const protection = protectNetwork(layout.nodeCount, network, rules)
  const at = (index: number): ProtectedCount => shown((network[index] as NetworkCell).value, statusAt(protection, index))
  const names = twoWayNames(layout)
  return {
    cells: cells.map((row, i) => row.map((_, j) => at(layout.interior(i, j)))),
    rowTotals: cells.map((_, i) => at(layout.rowTotal(i))),
    columnTotals: Array.from({ length: columns }, (_, j) => at(layout.columnTotal(j))),
    grandTotal: at(layout.grandTotal),
    stillExposed: protection.stillExposed.map((index) => names(index)),
  }
}

/** A rows x columns table with margins, additive both ways (e.g. gender x age group). */
export function protectTwoWay(cells: readonly (readonly number[])[], rules: DisclosureRules): TwoWayProtection {
  const { stillExposed: _, ...result } = protectTwoWayDetailed(cells, rules)
  return result
}

/** Names a two-way network's cells like the result's fields. */
function twoWayNames(layout: TwoWayLayout): (index: number) => string {
  return (index) => {
    const interiorCount = layout.rows * layout.columns
    if (index < interiorCount) return `cells[${Math.floor(index / layout.columns)}][${index % layout.columns}]`
    if (index < interiorCount + layout.rows) return `rowTotals[${index - interiorCount}]`
    if (index < layout.grandTotal) return `columnTotals[${index - interiorCount - layout.rows}]`
    return 'grandTotal'
  }
}

/** A multiple-choice question over one base, with the cells it could not protect. */
export function protectMultipleChoiceDetailed(counts: readonly number[], base: number, rules: DisclosureRules, options: MultipleChoiceOptions = {}): Audited<MultipleChoiceProtection> {
  const k = checkedThreshold(rules)
  checkCount(base, 'base')
  counts.forEach((count, i) => {
    checkCount(count, `counts[${i}]`)
    if (count > base) throw new Error(`counts[${i}] (${count}) is larger than the base (${base})`)
  })
  // The base is shared by every option, so it is decided once, as a plain count, and never hidden later.
  const forced: NetworkStatus | undefined = options.hideBase && base > 0 ? (base < k ? 'primary' : 'secondary') : undefined
  const baseStatus = forced ?? protectSingleCountStatus(base, k)
  const stillExposed: string[] = []
  const statuses = counts.map((count, i) => {
    // Per option: chosen r -> g, not chosen (implicit) r -> g, base g -> r.
    const protection = protectNetwork(2, [
      { from: 0, to: 1, value: count },
      { from: 0, to: 1, value: base - count, implicit: true },
      { from: 1, to: 0, value: base, margin: true, locked: baseStatus },
    ], rules)
    stillExposed.push(...protection.stillExposed.map((index) => [`cells[${i}]`, `notChosen[${i}]`, 'base'][index] as string))
    return statusAt(protection, 0)
  })
  return { cells: counts.map((count, i) => shown(count, statuses[i] as NetworkStatus)), base: shown(base, baseStatus), stillExposed: [...new Set(stillExposed)] }
}

/**
 * A multiple-choice question: counts[i] = forms that chose option i; base = forms the question was
 * asked on. The implicit complement base - counts[i] is protected too.
 */
export interface MultipleChoiceOptions {
  /** The base is hidden in another table on the same page: hide it here too. */
  readonly hideBase?: boolean
}

export function protectMultipleChoice(counts: readonly number[], base: number, rules: DisclosureRules, options: MultipleChoiceOptions = {}): MultipleChoiceProtection {
  const { stillExposed: _, ...result } = protectMultipleChoiceDetailed(counts, base, rules, options)
  return result
}

/** Multiple-choice rows x single-choice columns, with the cells it could not protect. */
export function protectMultipleChoiceTwoWayDetailed(
  cells: readonly (readonly number[])[],
  columnBases: readonly number[],
  rules: DisclosureRules,
): Audited<MultipleChoiceTwoWayProtection> {
  const k = checkedThreshold(rules)
  columnBases.forEach((base, j) => checkCount(base, `columnBases[${j}]`))
  const columns = checkRectangular(cells, columnBases.length, 'cells')
  cells.forEach((row, i) => row.forEach((count, j) => {
    if (count > (columnBases[j] as number)) throw new Error(`cells[${i}][${j}] (${count}) is larger than its column base (${columnBases[j]})`)
  }))
  // Bases hidden because an option could not be protected otherwise; they are then hidden in the base table too.
  const forced = new Set<number>()
  for (;;) {
    const baseTable = oneWayNetwork(columnBases, forced.has(columns) ? { locked: 'secondary' } : {}, (j) => (forced.has(j) ? { locked: 'secondary' } : {}))
    const bases = new Network(2, baseTable, k)
    const baseExposed = bases.protect()
    const joint = new MultipleChoiceTable(bases, cells.map((row) => optionNetwork(row, columnBases, k)), columns)
    const exposed = joint.protect()
    const helpable = exposed.filter(({ option, index }) => !(option < 0 ? baseHopeless(index, columnBases, k) : optionCellHopeless(index, cells[option] as number[], columnBases, k)))
    const nextBase = helpable.length > 0 ? cheapestPublishedBase(baseTable, bases) : undefined
    if (nextBase !== undefined) {
      forced.add(nextBase)
      continue
    }
    const baseName = (j: number): string => (j === columns ? 'grandBase' : `columnBases[${j}]`)
    const baseAt = (j: number): ProtectedCount => shown((baseTable[j] as NetworkCell).value, bases.status(j))
    const optionAt = (i: number, index: number): ProtectedCount => {
      const option = joint.options[i] as Network
      return shown(option.value(index), option.status(index))
    }
    return {
      cells: cells.map((row, i) => row.map((_, j) => optionAt(i, j))),
      rowTotals: cells.map((_, i) => optionAt(i, 2 * columns)),
      columnBases: columnBases.map((_, j) => baseAt(j)),
      grandBase: baseAt(columns),
      stillExposed: [
        ...baseExposed.map(baseName),
        ...exposed.map(({ option, index }) => (option < 0 ? baseName(index) : optionCellName(option, index, columns))),
      ].filter((name, index, names) => names.indexOf(name) === index),
    }
  }
}

/**
 * Multiple-choice rows x single-choice columns: cells[i][j] = forms in column j that chose option i;
 * columnBases[j] = forms in column j the question was asked on. Additive along a row, not down a column.
 */
export function protectMultipleChoiceTwoWay(
  cells: readonly (readonly number[])[],
  columnBases: readonly number[],
  rules: DisclosureRules,
): MultipleChoiceTwoWayProtection {
  const { stillExposed: _, ...result } = protectMultipleChoiceTwoWayDetailed(cells, columnBases, rules)
  return result
}

/**
 * One option as a network, normally without its bases: chosen (row 0 -> column j), not chosen
 * (implicit, row 1 -> column j), the row total (colM -> row 0) and its implicit complement
 * (colM -> row 1). Column j is node 2 + j and colM node 2 + C, where the bases join; `bases`, if
 * given, are added after those cells (column j -> rowM at node 3 + C, rowM -> colM).
 */
function optionNetwork(chosen: readonly number[], columnBases: readonly number[], k: number, bases: readonly NetworkCell[] = []): Network {
  const columns = chosen.length
  const total = chosen.reduce((sum, count) => sum + count, 0)
  const grand = columnBases.reduce((sum, base) => sum + base, 0)
  return new Network(columns + (bases.length > 0 ? 4 : 3), [
    ...chosen.map((value, j) => ({ from: 0, to: 2 + j, value })),
    ...chosen.map((value, j) => ({ from: 1, to: 2 + j, value: (columnBases[j] as number) - value, implicit: true })),
    { from: columns + 2, to: 0, value: total, margin: true },
    { from: columns + 2, to: 1, value: grand - total, implicit: true },
    ...bases,
  ], k)
}

/** Base table cells as they would be with every non-zero base hidden. */
function allBasesHidden(columnBases: readonly number[], k: number): NetworkCell[] {
  const hidden = (value: number): NetworkStatus => (value === 0 ? 'published' : value < k ? 'primary' : 'secondary')
  const grand = columnBases.reduce((sum, base) => sum + base, 0)
  return oneWayNetwork(columnBases, { locked: hidden(grand) }, (j) => ({ locked: hidden(columnBases[j] as number) }))
}

/** A base that the base table alone pins down even with every base hidden: hiding more bases cannot help it. */
function baseHopeless(x: number, columnBases: readonly number[], k: number): boolean {
  return new Network(2, allBasesHidden(columnBases, k), k).isDetermined(x)
}

/**
 * An option cell pinned down within its own option even with every base hidden and free to move and
 * every other cell of the option hidden: the attacker, who sees all options, knows at least as much,
 * so hiding more bases cannot help it.
 */
function optionCellHopeless(index: number, chosen: readonly number[], columnBases: readonly number[], k: number): boolean {
  const columns = chosen.length
  const rowM = columns + 3
  const withBases = optionNetwork(chosen, columnBases, k, allBasesHidden(columnBases, k).map((cell, x) => ({ ...cell, from: x < columns ? 2 + x : rowM, to: x < columns ? rowM : 2 + columns })))
  withBases.eligibleCells().forEach((cell) => withBases.hideAsSecondary(cell))
  return withBases.isDetermined(index)
}

function optionCellName(option: number, index: number, columns: number): string {
  if (index < columns) return `cells[${option}][${index}]`
  if (index < 2 * columns) return `notChosen[${option}][${index - columns}]`
  return index === 2 * columns ? `rowTotals[${option}]` : `notChosenTotals[${option}]`
}

/** The published non-zero base to hide next when nothing else works: the smallest column base, the grand base last. */
function cheapestPublishedBase(baseTable: readonly NetworkCell[], bases: Network): number | undefined {
  const candidates = baseTable.map((cell, index) => ({ cell, index })).filter(({ cell, index }) => cell.value > 0 && bases.status(index) === 'published')
  candidates.sort((a, b) => Number(a.cell.margin ?? false) - Number(b.cell.margin ?? false) || a.cell.value - b.cell.value)
  return candidates[0]?.index
}

/**
 * A unit change of the hidden bases that keeps them adding up: one base cell `into` (a column base
 * up, or the grand base down) and one `out` (a column base down, or the grand base up). Index
 * `columns` is the grand base.
 */
interface BaseShift { readonly into: number; readonly out: number }

interface OptionCell { readonly option: number; readonly index: number }

/**
 * The options of a multiple-choice table seen together. Hidden bases are shared by every option,
 * so protecting each option's network on its own is not enough: one option may move a base in a
 * way another option rules out. Here an option's cell may rely on a base moving only when every
 * other option can follow that move through its own hidden cells (usually its not-chosen counts).
 */
class MultipleChoiceTable {
  private readonly reachCache = new Map<number, { version: number; fromPort: Uint8Array[] }>()

  constructor(private readonly bases: Network, readonly options: readonly Network[], private readonly columns: number) {}

  /** Where base cell x joins an option network: column j at node 2 + j, the grand base at colM. */
  private port(x: number): number {
    return 2 + x
  }

  /** Base shifts within the attacker's bounds, optionally only those that move base cell x. */
  private shifts(x?: number): BaseShift[] {
    const shifts: BaseShift[] = []
    for (let into = 0; into <= this.columns; into++) {
      for (let out = 0; out <= this.columns; out++) {
        if (into === out || (x !== undefined && x !== into && x !== out)) continue
        if (this.canMove(into, into < this.columns) && this.canMove(out, out === this.columns)) shifts.push({ into, out })
      }
    }
    return shifts
  }

  private canMove(x: number, up: boolean): boolean {
    return this.bases.isHidden(x) && this.bases.canShift(x, up)
  }

  /** Option l follows a base shift when a path in its hidden cells leads from the `out` base back to the `into` one. */
  private follows(option: number, shift: BaseShift): boolean {
    return this.portReach(option)[shift.out]?.[this.port(shift.into)] === 1
  }

  private portReach(option: number): Uint8Array[] {
    const network = this.options[option] as Network
    const cached = this.reachCache.get(option)
    if (cached && cached.version === network.version) return cached.fromPort
    const fromPort = Array.from({ length: this.columns + 1 }, (_, x) => network.reachable(this.port(x), -1))
    this.reachCache.set(option, { version: network.version, fromPort })
    return fromPort
  }

  private othersFollow(shift: BaseShift, except: number): boolean {
    return this.options.every((_, option) => option === except || this.follows(option, shift))
  }

  private baseProtected(x: number): boolean {
    return this.shifts(x).some((shift) => this.othersFollow(shift, -1))
  }

  private optionCellProtected({ option, index }: OptionCell): boolean {
    const network = this.options[option] as Network
    if (!network.isDetermined(index)) return true
    // Otherwise the cell may still move together with the bases: a path from the `out` base through
    // the cell to the `into` base in its own option, and every other option following the shift.
    return network.openArcs(index).some(({ tail, head }) => {
      const toTail = network.reachable(tail, index, true)
      const fromHead = network.reachable(head, index)
      return this.shifts().some((shift) => toTail[this.port(shift.out)] === 1 && fromHead[this.port(shift.into)] === 1 && this.othersFollow(shift, option))
    })
  }

  /** What hiding would let every option but `except` follow a shift; null if some option cannot. */
  private followCost(shift: BaseShift, except: number): { cost: number; hide: OptionCell[] } | null {
    let cost = 0
    const hide: OptionCell[] = []
    for (let option = 0; option < this.options.length; option++) {
      if (option === except || this.follows(option, shift)) continue
      const path = (this.options[option] as Network).cheapestPath(this.port(shift.out), this.port(shift.into), -1)
      if (!path) return null
      cost += path.cost
      hide.push(...path.cells.map((index) => ({ option, index })))
    }
    return { cost, hide }
  }

  private repairBase(x: number): OptionCell[] | null {
    return cheapest(this.shifts(x).map((shift) => this.followCost(shift, -1)))
  }

  private repairOptionCell({ option, index }: OptionCell): OptionCell[] | null {
    const network = this.options[option] as Network
    // Best is a cycle within the option, which needs no base to move.
    const cover = network.cheapestCover(index)
    if (cover) return cover.map((hidden) => ({ option, index: hidden }))
    const plans = network.openArcs(index).flatMap(({ tail, head }) =>
      this.shifts().map((shift) => {
        const toTail = network.cheapestPath(this.port(shift.out), tail, index)
        const fromHead = network.cheapestPath(head, this.port(shift.into), index)
        const others = this.followCost(shift, option)
        if (!toTail || !fromHead || !others) return null
        const own = [...toTail.cells, ...fromHead.cells].map((hidden) => ({ option, index: hidden }))
        return { cost: toTail.cost + fromHead.cost + others.cost, hide: [...own, ...others.hide] }
      }),
    )
    return cheapest(plans)
  }

  /** Hides option cells until every hidden base and option cell has another possible value; returns those that still have not (option -1: a base). */
  protect(): OptionCell[] {
    const baseCells = Array.from({ length: this.columns + 1 }, (_, x) => x).filter((x) => this.bases.mustProtect(x))
    const optionCells = this.options.flatMap((network, option) => network.cellIndices().filter((index) => network.mustProtect(index)).map((index) => ({ option, index })))
    for (const x of baseCells) {
      if (!this.baseProtected(x)) this.hide(this.repairBase(x) ?? [], optionCells)
    }
    // Hiding more only widens what the attacker must consider, so each cell needs one visit.
    for (let position = 0; position < optionCells.length; position++) {
      const cell = optionCells[position] as OptionCell
      if (!this.optionCellProtected(cell)) this.hide(this.repairOptionCell(cell) ?? [], optionCells)
    }
    return [
      ...baseCells.filter((x) => !this.baseProtected(x)).map((x) => ({ option: -1, index: x })),
      ...optionCells.filter((cell) => !this.optionCellProtected(cell)),
    ]
  }

  private hide(cells: readonly OptionCell[], toCheck: OptionCell[]): void {
    for (const cell of cells) {
      const network = this.options[cell.option] as Network
      if (network.isHidden(cell.index)) continue
      network.hideAsSecondary(cell.index)
      toCheck.push(cell)
    }
  }
}

function cheapest(plans: readonly ({ cost: number; hide: OptionCell[] } | null)[]): OptionCell[] | null {
  let best: { cost: number; hide: OptionCell[] } | null = null
  for (const plan of plans) if (plan && (!best || plan.cost < best.cost)) best = plan
  return best?.hide ?? null
}

// ---------------------------------------------------------------------------------------------
// Single numbers.

/** Share in percent with one decimal, only when both numbers are published and the base is > 0. */
export function publishedShare(part: ProtectedCount, base: ProtectedCount): number | null {
  if (part.status !== 'published' || base.status !== 'published' || part.value === null || base.value === null) return null
  if (base.value <= 0) return null
  return Math.round((part.value / base.value) * 1000) / 10
}

/** A single count shown on its own (e.g. a headline number): primary rule only. */
export function protectSingleCount(value: number, rules: DisclosureRules): ProtectedCount {
  const k = checkedThreshold(rules)
  checkCount(value, 'the count')
  return shown(value, protectSingleCountStatus(value, k))
}

function protectSingleCountStatus(value: number, k: number): CellStatus {
  return value >= 1 && value < k ? 'primary' : 'published'
}

/** A statistic such as a median computed from n forms: shown only when n >= threshold. */
export function statisticVisible(n: number, rules: DisclosureRules): boolean {
  const k = checkedThreshold(rules)
  checkCount(n, 'the number of forms')
  return n >= k
}

// ---------------------------------------------------------------------------------------------
// Input checks.

function checkedThreshold(rules: DisclosureRules): number {
  const k = rules.threshold
  if (!Number.isInteger(k) || k < 3) throw new Error(`the disclosure threshold must be an integer of at least 3, not ${k}`)
  return k
}

function checkCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer, not ${value}`)
}

/** Throws unless every row has `columns` counts; returns the column count. */
function checkRectangular(cells: readonly (readonly number[])[], columns: number, what: string): number {
  cells.forEach((row, i) => {
    if (row.length !== columns) throw new Error(`${what} must be rectangular: row ${i} has ${row.length} columns, not ${columns}`)
    row.forEach((value, j) => checkCount(value, `${what}[${i}][${j}]`))
  })
  return columns
}
