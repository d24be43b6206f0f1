#!/usr/bin/env node
// The same in-host suite (test/extension/suite, the run() contract) under @vscode/test-electron,
// for machines that can download VS Code desktop (this project's CI machines cannot: there the
// suite runs inside code-server through test/extension/run-all.mjs instead).
//   npm run test:electron            -> downloads the stable VS Code, runs the suite on samples/
//   VSCODE_EXECUTABLE=/path/to/code  -> uses an installed VS Code instead of downloading one
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sh(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status})`);
}

sh(process.execPath, [join(root, 'build.mjs')]);
sh(process.execPath, [join(root, 'test', 'extension', 'build.mjs')]);

// a fresh copy of the samples, so the suite's edits never touch the repository
const ws = join(root, '.tmp', 'electron', 'ws');
rmSync(ws, { recursive: true, force: true });
cpSync(join(root, 'samples'), ws, { recursive: true });
mkdirSync(join(ws, '.vscode'), { recursive: true });
writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': false }, null, 2));

try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'test', 'extension', 'out', 'index.js'),
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`test-electron: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
