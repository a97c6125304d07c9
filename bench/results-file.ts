// bench/RESULTS.md holds one section per benchmark; each script replaces only its own section.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const TITLE = '# Benchmark results'

/** Replaces the section between `<!-- name -->` and `<!-- /name -->` (or appends it). */
export function writeResultsSection(file: string, name: string, markdown: string): void {
  const start = `<!-- ${name} -->`
  const end = `<!-- /${name} -->`
  const block = `${start}\n${markdown.trim()}\n${end}`
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `${TITLE}\n`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  const next = from !== -1 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`)
}

/** The server's resident memory now (kB from /proc; Linux only), or undefined. */
function residentKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status)
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

/** Samples a process's resident memory every 100 ms until stopped; returns the peak in MiB. */
export function samplePeakMemory(pid: number): () => number {
  let peak = residentKb(pid) ?? 0
  const timer = setInterval(() => {
    peak = Math.max(peak, residentKb(pid) ?? 0)
  }, 100)
  return () => {
    clearInterval(timer)
    peak = Math.max(peak, residentKb(pid) ?? 0)
    return Math.round(peak / 1024)
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)]!
}
