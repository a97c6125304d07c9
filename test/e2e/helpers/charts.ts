// Charts against their tables, in the page: each chart (chart.js, drawn by views/static/reports.js)
// labels every category its table has and draws exactly the table's published numbers, nothing for
// a number that is not published.
import type { Page } from 'playwright-core'

export interface ChartCheck {
  charts: number
  drawn: number
  mismatches: string[]
}

/** Every chart on the page against its table: the same published numbers, and nothing for a hidden cell. */
export async function chartsMatchTables(page: Page): Promise<ChartCheck> {
  // every canvas has its chart (drawn once the page's scripts ran); a chart that never comes is reported below
  await page
    .waitForFunction(() => {
      const ChartClass = (window as unknown as { Chart?: { getChart(canvas: HTMLCanvasElement): unknown } }).Chart
      const canvases = Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart-for]'))
      return canvases.length === 0 || (ChartClass !== undefined && canvases.every((canvas) => ChartClass.getChart(canvas) !== undefined))
    })
    .catch(() => undefined)
  return page.evaluate(() => {
    type ChartLike = {
      data: { labels: unknown[]; datasets: { data: (number | null)[] }[] }
      options: { indexAxis?: string }
      scales: Record<string, { ticks: unknown[] } | undefined>
    }
    const ChartClass = (window as unknown as { Chart?: { getChart(canvas: HTMLCanvasElement): ChartLike | undefined } }).Chart
    const mismatches: string[] = []
    let drawn = 0
    const canvases = Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart-for]'))
    for (const canvas of canvases) {
      const chart = ChartClass?.getChart(canvas)
      const table = document.getElementById(canvas.dataset.chartFor ?? '')
      if (!chart || !table) {
        mismatches.push(`no chart or table for ${canvas.dataset.chartFor}`)
        continue
      }
      drawn++
      const series = Array.from(table.querySelectorAll<HTMLElement>('thead th[data-series]'))
      const rows = Array.from(table.querySelectorAll('tbody tr'))
      // every category labelled: as many category ticks as table rows, none skipped
      const categoryTicks = chart.scales[chart.options.indexAxis === 'y' ? 'y' : 'x']?.ticks.length ?? 0
      if (categoryTicks !== rows.length) mismatches.push(`${canvas.dataset.chartFor}: ${categoryTicks} category labels for ${rows.length} rows`)
      series.forEach((th, i) => {
        rows.forEach((row, r) => {
          const cell = row.querySelector<HTMLElement>(`td[data-col="${th.dataset.series}"]`)
          const expected = cell?.dataset.value !== undefined ? Number(cell.dataset.value) : null
          const actual = chart.data.datasets[i]?.data[r] ?? null
          if (expected !== actual) mismatches.push(`${canvas.dataset.chartFor} row ${r} series ${i}: table ${expected}, chart ${actual}`)
        })
      })
    }
    return { charts: canvases.length, drawn, mismatches }
  })
}

