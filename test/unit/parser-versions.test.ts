// The XML packages under the SAML login stay on versions with the published fixes: @xmldom/xmldom
// 0.8.15 (quadratic namespace, attribute and end-tag handling), xml-crypto 6.3.2, xml2js 0.6.2.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { nodeModulesDir } from '../../src/lib/paths.js'

const MINIMUM: Record<string, string> = { '@xmldom/xmldom': '0.8.15', 'xml-crypto': '6.3.2', xml2js: '0.6.2' }

const parts = (version: string) => version.split(/[.+-]/).slice(0, 3).map(Number)
function atLeast(version: string, minimum: string): boolean {
  const [a, b] = [parts(version), parts(minimum)]
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0)
  return true
}

t.test('every copy of the XML packages is at least the patched version', async (t) => {
  const lock = JSON.parse(readFileSync(join(nodeModulesDir, '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> }
  for (const [name, minimum] of Object.entries(MINIMUM)) {
    const copies = Object.entries(lock.packages).filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    t.ok(copies.length > 0, `${name} is installed`)
    for (const [path, info] of copies) t.ok(atLeast(info.version ?? '0', minimum), `${path} ${info.version} >= ${minimum}`)
    const installed = JSON.parse(readFileSync(join(nodeModulesDir, name, 'package.json'), 'utf8')) as { version: string }
    t.ok(atLeast(installed.version, minimum), `installed ${name} ${installed.version} >= ${minimum}`)
  }
})
