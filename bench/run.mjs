// `npm run bench`: measures the emulator as it ships. The extension runs esbuild bundles
// (dist/*.js), not the per-file TypeScript transform tests use, and V8 optimises the two
// differently (module bindings become plain variables in a bundle), so bench/run.ts is bundled
// the same way first and run from .tmp/bench.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, '.tmp', 'bench', 'run.cjs');
await build({
  entryPoints: [join(root, 'bench', 'run.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, RINGSTEP_ROOT: root } });
process.exit(r.status ?? 1);
