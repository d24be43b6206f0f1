// Shared helpers for the DAP tests: make sure dist/debugAdapter.js is current (built exactly as
// build.mjs builds it when a source is newer), start DebugClient against `node dist/debugAdapter.js`
// (or an adapter already listening: RINGSTEP_ADAPTER_PORT), and small query helpers.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = process.env.RINGSTEP_ROOT ?? resolve(__dirname, '..', '..');
export const ADAPTER = join(ROOT, 'dist', 'debugAdapter.js');
export const FIXTURES = join(__dirname, 'fixtures');

let built: Promise<void> | undefined;

/** Newest modification time of the sources the adapter bundle is made of. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|S|s|h)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * dist/debugAdapter.js as build.mjs makes it (same esbuild options), rebuilt only when a source
 * is newer. Built in a private folder and renamed into place, so test files running in parallel
 * never start a half-written bundle.
 */
export function buildAdapter(): Promise<void> {
  built ??= (async () => {
    const stale = !existsSync(ADAPTER) ||
      statSync(ADAPTER).mtimeMs < Math.max(newestSource(join(ROOT, 'debug-adapter')), newestSource(join(ROOT, 'emulator')));
    if (!stale) return;
    const tmpDir = join(ROOT, 'dist', `.adapter-build-${process.pid}`);
    mkdirSync(tmpDir, { recursive: true });
    const out = join(tmpDir, 'debugAdapter.js');
    await esbuild.build({
      entryPoints: [join(ROOT, 'debug-adapter', 'main.ts')], outfile: out, bundle: true, platform: 'node',
      format: 'cjs', target: 'node20', sourcemap: true, external: ['vscode'], logLevel: 'error',
    });
    renameSync(`${out}.map`, `${ADAPTER}.map`);
    renameSync(out, ADAPTER);
    rmSync(tmpDir, { recursive: true, force: true });
  })();
  return built;
}

export async function startClient(): Promise<DebugClient> {
  await buildAdapter();
  const dc = new DebugClient('node', ADAPTER, 'ringstep', { cwd: ROOT }, !!process.env.RINGSTEP_ADAPTER_STDERR);
  dc.defaultTimeout = 15_000;
  // RINGSTEP_ADAPTER_PORT: talk to an adapter already listening (node dist/debugAdapter.js --server=N).
  const port = process.env.RINGSTEP_ADAPTER_PORT;
  await dc.start(port ? Number(port) : undefined);
  await dc.initializeRequest();
  return dc;
}

/** Launch and wait until configured; returns the launch promise's result once the session is set up. */
export async function launch(dc: DebugClient, args: Record<string, unknown>, setup?: () => Promise<unknown>): Promise<void> {
  const initialized = dc.waitForEvent('initialized');
  const launched = dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  await Promise.race([initialized, launched]);
  await initialized;
  if (setup) await setup();
  await dc.configurationDoneRequest();
  await launched;
}

export function lineOf(file: string, pattern: RegExp, after?: RegExp): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  let start = 0;
  if (after) start = lines.findIndex((l) => after.test(l));
  const i = lines.findIndex((l, k) => k > start && pattern.test(l));
  if (i < 0) throw new Error(`no line matching ${pattern} in ${file}`);
  return i + 1;
}

export async function stopped(dc: DebugClient, action: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const ev = dc.waitForEvent('stopped');
  await action();
  return (await ev) as DebugProtocol.StoppedEvent;
}

export async function frames(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

export async function evaluate(dc: DebugClient, expression: string, context = 'watch'): Promise<string> {
  return (await dc.evaluateRequest({ expression, context, frameId: 1 })).body.result;
}

/** The numeric value of an expression (the first token of the result). */
export async function value(dc: DebugClient, expression: string): Promise<bigint> {
  return BigInt((await evaluate(dc, expression)).split(' ')[0]);
}

export async function scope(dc: DebugClient, name: string): Promise<{ ref: number; vars: DebugProtocol.Variable[] }> {
  const scopes = (await dc.scopesRequest({ frameId: 1 })).body.scopes;
  const s = scopes.find((x) => x.name === name);
  if (!s) throw new Error(`no scope ${name}: ${scopes.map((x) => x.name).join(', ')}`);
  const vars = (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
  return { ref: s.variablesReference, vars };
}

export function variable(vars: DebugProtocol.Variable[], name: string): DebugProtocol.Variable {
  const v = vars.find((x) => x.name === name);
  if (!v) throw new Error(`no variable ${name}: ${vars.map((x) => x.name).join(', ')}`);
  return v;
}

export function exists(p: string): boolean {
  return existsSync(p);
}
