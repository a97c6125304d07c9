// Small progressive enhancements; every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // On a phone the main menu folds behind a button, so the page's own content starts near the top.
  const menuToggle = document.querySelector('.menu-toggle')
  const menu = document.getElementById('site-menu')
  if (menuToggle instanceof HTMLButtonElement && menu) {
    document.documentElement.classList.add('has-menu-toggle')
    menuToggle.hidden = false
    menuToggle.addEventListener('click', () => {
      const open = menuToggle.getAttribute('aria-expanded') !== 'true'
      menuToggle.setAttribute('aria-expanded', String(open))
      menu.classList.toggle('site-menu--open', open)
    })
  }

  // Move keyboard and screen reader focus to an error summary so its problems are read first.
  const summary = document.querySelector('[data-focus-on-load]')
  if (summary instanceof HTMLElement) summary.focus()

  // A link in the error summary puts the cursor in its field with the field's label (or legend) and
  // error message in view; following the #fragment alone would scroll them just out of sight.
  // A group of radio buttons or checkboxes (a fieldset) gets the cursor on its chosen or else its
  // first option, where Space and the arrow keys answer at once, not on the group itself.
  if (summary instanceof HTMLElement) {
    summary.addEventListener('click', (event) => {
      const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null
      const target = link ? document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1))) : null
      if (!target) return
      event.preventDefault()
      const caption = target.closest('fieldset')?.querySelector('legend') ?? document.querySelector(`label[for="${CSS.escape(target.id)}"]`)
      ;(caption ?? target).scrollIntoView({ block: 'start' })
      const option = target instanceof HTMLFieldSetElement ? (target.querySelector('input:checked:enabled') ?? target.querySelector('input:enabled')) : null
      ;(option ?? target).focus({ preventScroll: true })
    })
  }

  // A form that has been sent once shows that it is working and cannot be sent twice.
  for (const form of document.querySelectorAll('form')) {
    form.addEventListener('submit', () => {
      if (form.dataset.submitting === 'true') return
      form.dataset.submitting = 'true'
      for (const button of form.querySelectorAll('button[type="submit"]')) {
        button.setAttribute('aria-disabled', 'true')
        button.classList.add('button--busy')
      }
      // Later submissions of the same form are ignored rather than sent again.
      form.addEventListener('submit', (event) => event.preventDefault())
    })
  }

  // Questions that apply only after a certain answer (data-show-when-*) are hidden until then, and
  // the inputs of hidden ones are disabled as the form is sent, so nothing hidden is sent. Without
  // this script every question shows and the server ignores answers that do not apply.
  // They are not disabled while hidden: when the browser puts the answers back after the Back
  // button (after the load event, before pageshow, without change events) it leaves disabled fields
  // empty, and a follow-up question would lose its answer. So the state is worked out again at
  // pageshow, once the answers are back.
  const conditional = [...document.querySelectorAll('[data-show-when-question]')]
  const chosenValues = (name) =>
    [...document.querySelectorAll(`[name="${CSS.escape(name)}"]`)].flatMap((input) => {
      if (input instanceof HTMLInputElement && (input.type === 'radio' || input.type === 'checkbox')) return input.checked ? [input.value] : []
      return 'value' in input && input.value !== '' ? [input.value] : []
    })
  const update = () => {
    for (const question of conditional) {
      const anyOf = question.dataset.showWhenAnyOf.split(' ')
      const controller = document.getElementById(`question-${question.dataset.showWhenQuestion}`)
      const shown = (!controller || !controller.hidden) && chosenValues(question.dataset.showWhenQuestion).some((v) => anyOf.includes(v))
      question.hidden = !shown
      for (const input of question.querySelectorAll('input, select')) input.disabled = false
    }
  }
  if (conditional.length > 0) {
    update()
    document.addEventListener('change', update)
    window.addEventListener('pageshow', update)
    for (const form of new Set(conditional.map((question) => question.closest('form')))) {
      form?.addEventListener('submit', () => {
        for (const question of conditional) {
          if (question.hidden) for (const input of question.querySelectorAll('input, select')) input.disabled = true
        }
      })
    }
  }

  // The home municipality: a search box above the list narrows it to the names that match. The list
  // stays a plain select (and the whole list without this script).
  for (const select of document.querySelectorAll('select[data-searchable]')) {
    const search = document.createElement('input')
    search.type = 'search'
    search.className = 'input municipality-search'
    search.id = `${select.id}-search`
    search.autocomplete = 'off'
    search.setAttribute('aria-controls', select.id)
    const label = document.createElement('label')
    label.className = 'field__hint'
    label.htmlFor = search.id
    label.textContent = select.dataset.searchable
    select.before(label, search)
    const options = [...select.querySelectorAll('option')].filter((o) => o.value !== '')
    search.addEventListener('input', () => {
      const words = search.value.trim().toLocaleLowerCase()
      for (const option of options) {
        const match = words === '' || option.textContent.toLocaleLowerCase().includes(words)
        // hidden for browsers that hide options, disabled for those that only grey them out
        option.hidden = !match
        option.disabled = !match && !option.selected
      }
      for (const group of select.querySelectorAll('optgroup')) group.hidden = [...group.children].every((o) => o.hidden)
      // one match: choose it at once
      const matches = options.filter((o) => !o.hidden)
      if (words !== '' && matches.length === 1) select.value = matches[0].value
    })
  }

  // A Copy button (data-copy-target) copies its field's text and says in its live region
  // (data-copy-status) whether that worked. Without this script the button stays hidden and the
  // read-only field's text is selected and copied by hand.
  for (const button of document.querySelectorAll('button[data-copy-target]')) {
    const field = document.getElementById(button.dataset.copyTarget)
    const status = document.getElementById(button.dataset.copyStatus)
    if (!(field instanceof HTMLInputElement) || !status) continue
    button.hidden = false
    field.addEventListener('focus', () => field.select())
    const say = (text) => {
      // emptied first, so the same message is announced again on a second click
      status.textContent = ''
      setTimeout(() => { status.textContent = text }, 50)
    }
    button.addEventListener('click', async () => {
      try {
        if (!navigator.clipboard) throw new Error('no clipboard')
        await navigator.clipboard.writeText(field.value)
        say(button.dataset.copied)
      } catch {
        field.focus()
        field.select()
        say(button.dataset.copyFailed)
      }
    })
  }

  // Shortly before an idle session would end, say so and offer to continue; continuing asks the
  // server (which counts the session as used) and starts the count again.
  const warningTemplate = document.getElementById('session-warning')
  if (warningTemplate instanceof HTMLTemplateElement) {
    const idle = Number(warningTemplate.dataset.idleSeconds) * 1000
    const warnBefore = Number(warningTemplate.dataset.warnSeconds) * 1000
    let timer
    let shown
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(show, Math.max(idle - warnBefore, 1000))
    }
    const show = () => {
      if (shown) return
      shown = warningTemplate.content.firstElementChild.cloneNode(true)
      document.body.append(shown)
      const button = shown.querySelector('[data-session-continue]')
      button.addEventListener('click', async () => {
        const response = await fetch('/api/v1/session', { credentials: 'same-origin', headers: { accept: 'application/json' } }).catch(() => undefined)
        shown.remove()
        shown = undefined
        if (response && response.ok) arm()
        else window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`)
      })
      button.focus()
    }
    if (idle > warnBefore) arm()
  }
})
