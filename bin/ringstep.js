#!/usr/bin/env node
// The `ringstep` command: the bundled CLI (dist/cli.js, built by `npm run build`, which `npm ci`
// runs through the "prepare" script).
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
