// Every page at 1366 px in Finnish, Swedish and English: no sideways scrolling, every chart true to its
// table, no axe violations; screenshots in test-results/screens/1366/ (see helpers/screens.ts).
// Run with `npm run test:e2e` (Debian's Chromium at /usr/bin/chromium, a real server process).
import { testEveryPageAt } from './helpers/screens.js'

testEveryPageAt(1366)
