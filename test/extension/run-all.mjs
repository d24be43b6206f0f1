#!/usr/bin/env node
// Runs the extension's proof in a real VS Code (code-server in headless Chromium):
//   1. scripts/setup-vscode.sh (cached: chromium, Node 24, code-server)
//   2. node build.mjs, then package the .vsix with @vscode/vsce
//   3. the language-service unit tests (node:test, no VS Code)
//   4. the in-host integration suite (test/extension/suite, mocha, run()) inside code-server's
//      extension host, loaded from the unpacked .vsix through the smoke-test payload route
//   5. the Playwright UI test (test/e2e) against code-server with the .vsix installed
//   6. the same walk with the extension forced into the web worker extension host (its "browser"
//      entry), test/e2e/web-worker.e2e.mjs
// Exits non-zero when any step fails. Options: --only=unit|extension|e2e|e2e-web (repeatable),
// --no-build (reuse dist/), --keep (leave the run folder for inspection).
//
// Everything lives under .tmp/extension/run/ (git-ignored); the .vsix is .tmp/extension/ringstep.vsix.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { format } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = join(root, '.tmp', 'extension');
const runDir = join(work, 'run');
const args = process.argv.slice(2);
const only = args.filter((a) => a.startsWith('--only=')).map((a) => a.slice(7));
const want = (step) => only.length === 0 || only.includes(step);
const noBuild = args.includes('--no-build');

const timings = {};
function log(msg) { console.log(`[run-all] ${msg}`); }

function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', env: opts.env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status})`);
  return r.stdout ?? '';
}

async function timed(name, fn) {
  const t = Date.now();
  try { return await fn(); } finally { timings[name] = ((Date.now() - t) / 1000).toFixed(1) + ' s'; }
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

/** The manifest to package: the root package.json (vsce wants a repository field; we have none). */
function extensionManifest() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  pkg.repository ??= { type: 'git', url: 'https://example.invalid/ringstep.git' };
  return pkg;
}

/** Copy what the .vsix holds into a staging folder and run vsce there. */
function packageVsix() {
  const stage = join(work, 'stage');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const pkg = extensionManifest();
  delete pkg.scripts?.prepare; // vsce would run `vscode:prepublish` only; keep the manifest honest
  writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2));
  const copy = (rel, required = true) => {
    const from = join(root, rel);
    if (!existsSync(from)) { if (required) throw new Error(`missing ${rel}`); return; }
    cpSync(from, join(stage, rel), { recursive: true, filter: (src) => !/\.map$/.test(src) || src.includes('node_modules') });
  };
  for (const f of ['dist', 'syntaxes', 'language-configuration.json', 'media', 'samples', 'emulator/kernel']) copy(f);
  for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md']) copy(f, false);
  cpSync(join(root, '.vscodeignore'), join(stage, '.vscodeignore'));
  const out = join(work, 'ringstep.vsix');
  rmSync(out, { force: true });
  shIn(stage, process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--out', out]);
  return out;
}

function shIn(cwd, cmd, argv, env = process.env) {
  const r = spawnSync(cmd, argv, { cwd, stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status})`);
}

/** Start code-server isolated under `dir`; resolves with { url, stop }. */
async function startCodeServer(env, dir, extraArgs = [], extraEnv = {}) {
  for (const d of ['user-data', 'extensions', 'config', 'data', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  const port = await freePort();
  const isolation = isolationArgs(dir);
  const child = spawn(env.RINGSTEP_NODE24, [codeServerEntry(env), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...isolation, ...extraArgs], {
    cwd: dir,
    env: isolatedEnv(env, dir, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logFile = join(dir, 'code-server.log');
  let logText = '';
  child.stdout.on('data', (d) => { logText += d; });
  child.stderr.on('data', (d) => { logText += d; });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not yet */ }
    if (child.exitCode !== null || Date.now() > until) {
      writeFileSync(logFile, logText);
      throw new Error(`code-server did not start (see ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url, port,
    stop: () => {
      writeFileSync(logFile, logText);
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    },
  };
}

function isolationArgs(dir) {
  return ['--user-data-dir', join(dir, 'user-data'), '--extensions-dir', join(dir, 'extensions'), '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'];
}
function isolatedEnv(env, dir, extra = {}) {
  return {
    ...process.env, PATH: `${dirname(env.RINGSTEP_NODE24)}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'), TMPDIR: join(dir, 'tmp'), ...extra,
  };
}
function codeServerEntry(env) {
  // .bin/code-server is a symlink to the package's out/node/entry.js
  return resolve(dirname(env.RINGSTEP_CODE_SERVER), '..', 'code-server', 'out', 'node', 'entry.js');
}

/** A fresh workspace: the samples, copied (tests and auto-save may write to it). */
function freshWorkspace(dir) {
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(root, 'samples'), dir, { recursive: true });
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  // settings that keep the UI quiet and deterministic
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'files.autoSave': 'off',
    'debug.openDebug': 'openOnDebugBreak', 'workbench.tips.enabled': false, 'extensions.ignoreRecommendations': true,
    'git.enabled': false, 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }, null, 2));
  return dir;
}

function browserArgs() {
  return ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
}

async function runExtensionSuite(env, vsix) {
  const dir = join(runDir, 'extension-suite');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // the extension folder = the unpacked .vsix, plus the compiled suite inside it
  const ext = join(dir, 'ext');
  mkdirSync(join(dir, 'unzip'), { recursive: true });
  sh('unzip', ['-q', '-o', vsix, '-d', join(dir, 'unzip')]);
  cpSync(join(dir, 'unzip', 'extension'), ext, { recursive: true });
  sh(process.execPath, [join(root, 'test', 'extension', 'build.mjs')]);
  cpSync(join(root, 'test', 'extension', 'out'), join(ext, 'out', 'test'), { recursive: true });
  const ws = freshWorkspace(join(dir, 'ws'));
  const report = join(dir, 'report.txt');
  const cs = await startCodeServer(env, join(dir, 'cs'), ['--vscode-option', 'enable-smoke-test-driver'].filter(Boolean), { RINGSTEP_TEST_REPORT: report });
  const { chromium } = await import('playwright-core');
  const profile = join(dir, 'profile');
  const context = await chromium.launchPersistentContext(profile, { executablePath: env.RINGSTEP_CHROMIUM, headless: true, args: browserArgs(), viewport: { width: 1400, height: 900 } });
  let exitCode;
  const lines = [];
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const exited = new Promise((res) => {
      void page.exposeFunction('codeAutomationExit', (code) => { res(code); });
    });
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const text = Array.isArray(logArgs) ? format(...logArgs) : String(logArgs);
      lines.push(text);
      process.stdout.write(`  [host ${type}] ${text}\n`);
    });
    const remote = `vscode-remote://127.0.0.1:${cs.port}`;
    const payload = [
      ['extensionDevelopmentPath', `${remote}${ext}`],
      ['extensionTestsPath', `${remote}${join(ext, 'out', 'test', 'index.js')}`],
      ['skipWelcome', 'true'],
    ];
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    exitCode = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), 8 * 60_000))]);
    await page.screenshot({ path: join(dir, 'final.png') }).catch(() => undefined);
  } finally {
    await context.close().catch(() => undefined);
    cs.stop();
  }
  writeFileSync(join(dir, 'host-output.txt'), lines.join('\n'));
  if (exitCode !== 0) throw new Error(`extension suite failed (exit ${exitCode}); see ${dir}`);
}

/** One Playwright walk against code-server with the .vsix installed; `web` forces the web worker host. */
async function runE2E(env, vsix, { web = false } = {}) {
  const dir = join(runDir, web ? 'e2e-web' : 'e2e');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const csDir = join(dir, 'cs');
  for (const d of ['user-data', 'extensions', 'config', 'data', 'tmp']) mkdirSync(join(csDir, d), { recursive: true });
  // install the packaged extension the way a person would
  shIn(csDir, env.RINGSTEP_NODE24, [codeServerEntry(env), ...isolationArgs(csDir), '--install-extension', vsix], isolatedEnv(env, csDir));
  const webE2E = join(root, 'test', 'e2e', 'web-worker.e2e.mjs');
  if (web) (await import(webE2E)).writeWebWorkerSettings(join(csDir, 'user-data'));
  const ws = freshWorkspace(join(dir, 'ws'));
  const cs = await startCodeServer(env, csDir);
  try {
    const options = { url: cs.url, workspace: ws, chromium: env.RINGSTEP_CHROMIUM, browserArgs: browserArgs(), profile: join(dir, 'profile'), screenshots: join(root, 'test', 'e2e', 'screenshots') };
    if (web) await (await import(webE2E)).runWebWorkerE2E(options);
    // the control: without the setting, code-server runs the "main" entry in its Node host
    else await (await import(join(root, 'test', 'e2e', 'cat-hostname.e2e.mjs'))).runE2E({ ...options, atFirstStop: (await import(webE2E)).expectNodeHost });
  } finally {
    cs.stop();
  }
}

async function main() {
  mkdirSync(runDir, { recursive: true });
  let failed = false;
  const env = {};
  if (want('extension') || want('e2e') || want('e2e-web')) {
    await timed('setup', () => {
      const out = sh('bash', [join(root, 'scripts', 'setup-vscode.sh')], { capture: true });
      for (const line of out.split('\n')) { const m = /^(RINGSTEP_\w+)=(.*)$/.exec(line); if (m) env[m[1]] = m[2]; }
    });
  }
  let vsix;
  if (want('extension') || want('e2e') || want('e2e-web') || want('package')) {
    if (!noBuild) await timed('build', () => sh(process.execPath, [join(root, 'build.mjs')]));
    vsix = await timed('package', () => packageVsix());
    log(`packaged ${vsix}: ${(statSync(vsix).size / 1024).toFixed(1)} KiB`);
  }
  const steps = [
    ['unit', () => sh(process.execPath, [join(root, 'test', 'run.mjs'), join(root, 'test', 'extension', 'language-service.test.ts')])],
    ['extension', () => runExtensionSuite(env, vsix)],
    ['e2e', () => runE2E(env, vsix)],
    ['e2e-web', () => runE2E(env, vsix, { web: true })],
  ];
  for (const [name, fn] of steps) {
    if (!want(name)) continue;
    log(`--- ${name}`);
    try {
      await timed(name, fn);
      log(`${name}: passed`);
    } catch (e) {
      failed = true;
      log(`${name}: FAILED: ${e.message}`);
    }
  }
  log(`timings: ${JSON.stringify(timings)}`);
  if (!args.includes('--keep') && !failed) rmSync(join(runDir), { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
