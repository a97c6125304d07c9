// After login or a language switch the visitor stays on this site, whatever the link said.
import t from 'tap'
import { safeLocalPath } from '../../src/lib/safe-redirect.js'

t.test('local paths pass; anything that could leave the site falls back', async (t) => {
  t.equal(safeLocalPath('/admin/teams?x=1#top'), '/admin/teams?x=1#top')
  t.equal(safeLocalPath('/forms/new'), '/forms/new')
  t.equal(safeLocalPath('/a/../forms/new'), '/forms/new', 'dot segments are resolved first')
  for (const evil of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example', 'evil', '/%09/x'.replace('%09', '\t'), '/\u0000', undefined, 42, '/' + 'a'.repeat(600)]) {
    t.equal(safeLocalPath(evil), '/', JSON.stringify(evil))
  }
  t.equal(safeLocalPath('/%2F%2Fevil.example'), '/%2F%2Fevil.example', 'an encoded slash stays a path on this site')
})

t.test('the classic open-redirect forms never leave the site', async (t) => {
  const forms = [
    '/.//evil.example/x',
    '/%2e//evil.example/x',
    '/%2E//evil.example/x',
    '/a/..//evil.example/x',
    '/a/%2e%2e//evil.example/x',
    '/./\\evil.example',
    '/\\/evil.example',
    '/\\evil.example',
    '/.\\/evil.example',
    '/%5C/evil.example',
    '/%5c%5cevil.example',
    '/\r\n/evil.example',
    '/ /evil.example',
    '///evil.example',
    '/../..//evil.example',
    '/..;//evil.example',
    'https:evil.example',
    'https:/evil.example',
    'http://evil.example',
    '//evil.example@local.invalid',
    '/\u3002/evil.example',
    'javascript:alert(1)',
    ' /evil',
  ]
  for (const form of forms) {
    const result = safeLocalPath(form)
    const resolved = new URL(result, 'https://anchor.example')
    t.equal(resolved.origin, 'https://anchor.example', `${JSON.stringify(form)} -> ${JSON.stringify(result)} stays on the site`)
    t.notOk(result.startsWith('//') || result.startsWith('/\\'), `${JSON.stringify(form)} -> a single leading slash`)
  }
  t.equal(safeLocalPath('/.//evil.example/x'), '/', 'a dot segment that makes a protocol-relative address falls back')
  t.equal(safeLocalPath('/%2e//x'), '/')
  t.equal(safeLocalPath('/a/..//x'), '/')
})
