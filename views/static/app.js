// Small progressive enhancements; every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // Move keyboard and screen reader focus to an error summary so its problems are read first.
  const summary = document.querySelector('[data-focus-on-load]')
  if (summary instanceof HTMLElement) summary.focus()

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
})
