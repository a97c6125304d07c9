// Draws each report chart from its table's published numbers: only cells with a data-value are
// read, so a hidden count can never become a bar, a point or a tooltip. Without this script (or
// without chart.js) the tables alone carry the same numbers.
document.addEventListener('DOMContentLoaded', () => {
  const printButton = document.querySelector('[data-print]')
  if (printButton instanceof HTMLButtonElement) {
    printButton.hidden = false
    printButton.addEventListener('click', () => window.print())
  }

  const Chart = window.Chart
  if (!Chart) return
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches
  const palette = ['#0b4f8a', '#b35900', '#1d6b34', '#7a2e8c', '#a61b1b', '#006b6b', '#4a5360', '#8a6d00']
  const locale = document.documentElement.lang === 'en' ? 'en-GB' : `${document.documentElement.lang}-FI`

  for (const canvas of document.querySelectorAll('canvas[data-chart-for]')) {
    const table = document.getElementById(canvas.dataset.chartFor)
    if (!table) continue
    const series = [...table.querySelectorAll('thead th[data-series]')].map((th) => ({ index: th.dataset.series, label: th.textContent.trim() }))
    const rows = [...table.querySelectorAll('tbody tr')]
    const labels = rows.map((row) => row.querySelector('[data-row-label]')?.textContent.trim() ?? '')
    const datasets = series.map((s, i) => ({
      label: s.label,
      data: rows.map((row) => {
        const cell = row.querySelector(`td[data-col="${s.index}"][data-value]`)
        return cell ? Number(cell.dataset.value) : null
      }),
      backgroundColor: palette[i % palette.length],
      borderColor: palette[i % palette.length],
      spanGaps: false,
    }))
    const type = canvas.dataset.chartType === 'line' ? 'line' : 'bar'
    new Chart(canvas, {
      type,
      data: { labels, datasets },
      options: {
        animation: reduceMotion ? false : { duration: 300 },
        maintainAspectRatio: false,
        locale,
        indexAxis: type === 'bar' && labels.length > 8 ? 'y' : 'x',
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
      },
    })
  }
})
