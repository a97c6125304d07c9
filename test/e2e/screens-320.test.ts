// Every page at 320 px in Finnish, Swedish and English: no sideways scrolling, every chart true to its
// table, no axe violations; screenshots in test-results/screens/320/ (see helpers/screens.ts).
// Run with `npm run test:e2e` (Debian's Chromium at /usr/bin/chromium, a real server process).
import { testEveryPageAt } from './helpers/screens.js'

testEveryPageAt(320)
