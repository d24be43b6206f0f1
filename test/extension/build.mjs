// Bundles the in-host integration suite (test/extension/suite/*.test.ts + index.ts) into
// test/extension/out/, with `vscode` and `mocha` left external: the extension host provides the
// first, and the second resolves from the repository's node_modules (the runner puts the
// extension under the repository, and @vscode/test-electron runs it from the repository).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const suite = join(here, 'suite');
const entries = readdirSync(suite).filter((f) => f.endsWith('.ts')).map((f) => join(suite, f));
await esbuild.build({
  entryPoints: entries,
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
console.log(`built ${entries.length} files into ${out}`);
