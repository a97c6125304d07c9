// Draws each report chart from its table's published numbers: only cells with a data-value are
// read, so a hidden count can never become a bar, a point or a tooltip; a number that is not
// published is drawn as a marked placeholder with its words, never as an empty slot that reads as
// zero. Every category gets its label (the chart grows with its categories), counts have whole-number
// ticks, and no more series are drawn together than the palette can tell apart (otherwise the
// reader chooses one). Without this script (or without chart.js) the tables alone carry the numbers.
document.addEventListener('DOMContentLoaded', () => {
  const printButton = document.querySelector('[data-print]')
  if (printButton instanceof HTMLButtonElement) {
    printButton.hidden = false
    printButton.addEventListener('click', () => window.print())
  }

  const Chart = window.Chart
  if (!Chart) return
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches
  // Colour-blind-safe (after Okabe and Ito, and Tol), each at least 3:1 against white
  const palette = ['#0072B2', '#D55E00', '#117733', '#882255', '#332288', '#AA4499']
  const textColour = '#1b1f24'
  const gridColour = '#d5dae0'
  const locale = document.documentElement.lang === 'en' ? 'en-GB' : `${document.documentElement.lang}-FI`
  Chart.defaults.color = textColour
  Chart.defaults.font.size = 14

  /** A long label on lines of about `width` characters, broken between words. */
  const wrap = (text, width) => {
    const lines = []
    let line = ''
    for (const word of text.split(/\s+/)) {
      if (line && (line + ' ' + word).length > width) {
        lines.push(line)
        line = word
      } else line = line ? `${line} ${word}` : word
    }
    if (line) lines.push(line)
    return lines.length > 1 ? lines : text
  }

  // Draws the words "not published" where a shown series has no published number for a category.
  const notPublished = {
    id: 'notPublished',
    afterDatasetsDraw(chart, _args, options) {
      const { ctx, scales } = chart
      const horizontal = chart.options.indexAxis === 'y'
      const categories = horizontal ? scales.y : scales.x
      const values = horizontal ? scales.x : scales.y
      if (!categories || !values || !options.text) return
      const visible = chart.data.datasets.map((d, i) => ({ d, i })).filter(({ i }) => chart.isDatasetVisible(i))
      ctx.save()
      ctx.font = `italic 13px ${Chart.defaults.font.family}`
      ctx.fillStyle = '#4a5360'
      chart.data.labels.forEach((_, index) => {
        const missing = visible.filter(({ d }) => d.data[index] === null)
        if (missing.length === 0) return
        // one mark per category, where its bars would begin, for the series it lacks
        const where = categories.getPixelForValue(index)
        const base = values.getPixelForValue(0)
        const label = visible.length > 1 ? `${options.mark} ${options.text} (${missing.length}/${visible.length})` : `${options.mark} ${options.text}`
        if (horizontal) {
          ctx.textAlign = 'left'
          ctx.textBaseline = 'middle'
          ctx.fillText(label, base + 4, where)
        } else {
          ctx.save()
          ctx.translate(where, base - 4)
          ctx.rotate(-Math.PI / 2)
          ctx.textAlign = 'left'
          ctx.textBaseline = 'middle'
          ctx.fillText(label, 0, 0)
          ctx.restore()
        }
      })
      ctx.restore()
    },
  }

  for (const canvas of document.querySelectorAll('canvas[data-chart-for]')) {
    const table = document.getElementById(canvas.dataset.chartFor)
    if (!table) continue
    const series = [...table.querySelectorAll('thead th[data-series]')].map((th) => ({ index: th.dataset.series, label: th.textContent.trim() }))
    const rows = [...table.querySelectorAll('tbody tr')]
    const names = rows.map((row) => row.querySelector('[data-row-label]')?.textContent.trim() ?? '')
    const type = canvas.dataset.chartType === 'line' ? 'line' : 'bar'
    const horizontal = type === 'bar' && names.length > 8
    const tooMany = series.length > palette.length
    const datasets = series.map((s, i) => ({
      label: s.label,
      data: rows.map((row) => {
        const cell = row.querySelector(`td[data-col="${s.index}"][data-value]`)
        return cell ? Number(cell.dataset.value) : null
      }),
      backgroundColor: palette[i % palette.length],
      borderColor: palette[i % palette.length],
      spanGaps: false,
      // more series than colours: one at a time, chosen below the chart
      hidden: tooMany && i !== 0,
    }))
    const frame = canvas.parentElement
    // labels wrap to fit: narrower on a phone, where the category axis gets less room
    const narrow = (frame?.clientWidth ?? 800) < 600
    const labels = names.map((n) => wrap(n, horizontal ? (narrow ? 16 : 28) : 16))
    if (horizontal && frame) {
      // every category its own row, as tall as its label's lines and bars need
      const shown = tooMany ? 1 : datasets.length
      const lines = labels.reduce((sum, label) => sum + Math.max(Array.isArray(label) ? label.length : 1, 1), 0)
      const rowsHeight = labels.length * Math.max(10 * shown, 8) + lines * 17
      frame.style.height = `${Math.max(240, rowsHeight + 90)}px`
    }
    const chart = new Chart(canvas, {
      type,
      data: { labels, datasets },
      options: {
        animation: reduceMotion ? false : { duration: 300 },
        maintainAspectRatio: false,
        locale,
        indexAxis: horizontal ? 'y' : 'x',
        plugins: {
          legend: { display: datasets.length > 1 && !tooMany, labels: { color: textColour } },
          notPublished: { text: canvas.dataset.notPublished ?? '', mark: canvas.dataset.withheldMark ?? '..' },
        },
        scales: {
          x: { beginAtZero: true, ticks: horizontal ? { precision: 0, color: textColour } : { autoSkip: false, maxRotation: 90, color: textColour }, grid: { color: gridColour } },
          y: { beginAtZero: true, ticks: horizontal ? { autoSkip: false, color: textColour } : { precision: 0, color: textColour }, grid: { color: gridColour } },
        },
      },
      plugins: [notPublished],
    })
    if (tooMany && frame) addSeriesChoice(chart, frame, canvas.dataset.chooseLabel ?? '')
  }

  /** A labelled choice of the one series to draw, before the chart. */
  function addSeriesChoice(chart, frame, labelText) {
    const id = `${chart.canvas.dataset.chartFor}-series`
    const field = document.createElement('div')
    field.className = 'chart-series-choice'
    const label = document.createElement('label')
    label.htmlFor = id
    label.textContent = labelText
    const select = document.createElement('select')
    select.id = id
    chart.data.datasets.forEach((d, i) => select.add(new Option(d.label, String(i), i === 0, i === 0)))
    select.addEventListener('change', () => {
      chart.data.datasets.forEach((_, i) => chart.setDatasetVisibility(i, String(i) === select.value))
      chart.update()
    })
    field.append(label, select)
    frame.before(field)
  }
})
