// Absolute paths of the project's folders, the same whether run from src/ (tsx) or dist/ (tsc).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findProjectRoot(start: string): string {
  let dir = start
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`No package.json above ${start}`)
    dir = parent
  }
  return dir
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)))
export const migrationsDir = join(projectRoot, 'migrations')
export const viewsDir = join(projectRoot, 'views')
export const staticDir = join(projectRoot, 'views', 'static')
export const nodeModulesDir = join(projectRoot, 'node_modules')
