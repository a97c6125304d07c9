// After login or a language switch the visitor stays on this site, whatever the link said.
import t from 'tap'
import { safeLocalPath } from '../../src/lib/safe-redirect.js'

t.test('local paths pass; anything that could leave the site falls back', async (t) => {
  t.equal(safeLocalPath('/admin/teams?x=1#top'), '/admin/teams?x=1#top')
  t.equal(safeLocalPath('/forms/new'), '/forms/new')
  for (const evil of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example', 'evil', '/%09/x'.replace('%09', '\t'), '/\u0000', undefined, 42, '/' + 'a'.repeat(600)]) {
    t.equal(safeLocalPath(evil), '/', JSON.stringify(evil))
  }
  t.equal(safeLocalPath('/%2F%2Fevil.example'), '/%2F%2Fevil.example', 'an encoded slash stays a path on this site')
})
