// The `ringstep/syscallProfile` event over DAP (against `node dist/debugAdapter.js`, real machine
// and kernel): one per syscall that returns to user mode, its total equal to what the CLI's
// --trace-ring (a separate path: retired-instruction counts at the ring crossings) prints, stages
// adding up to the total, and a profile after Step Out too.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, frames, launch, lineOf, startClient, stopped, value } from './dap';
import { STAGES } from '../../debug-adapter/stages';
import type { SyscallProfile } from '../../debug-adapter/profile';

const CAT = join(ROOT, 'samples', 'cat-hostname', 'cat.s');
const READ_SYSCALL = lineOf(CAT, /^\s*syscall\b/, /^read_loop:/);

/** `-- read spent 456 instructions in ring 0` lines of `ringstep run --trace-ring`, from the CLI's source. */
function cliRing0Counts(): { name: string; instructions: number }[] {
  const r = spawnSync(process.execPath, [
    '--import', 'tsx', '-e', "import('./emulator/cli.ts').then((m) => m.main(process.argv.slice(1))).then((c) => process.exit(c))",
    'run', join(ROOT, 'samples', 'cat-hostname'), '--trace-ring',
  ], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return [...(r.stdout + r.stderr).matchAll(/-- (\w+) spent (\d+) instructions in ring 0/g)].map((m) => ({ name: m[1], instructions: Number(m[2]) }));
}

function collectProfiles(dc: DebugClient): SyscallProfile[] {
  const got: SyscallProfile[] = [];
  dc.on('ringstep/syscallProfile', (e: DebugProtocol.Event) => got.push(e.body as SyscallProfile));
  return got;
}

function checkShape(p: SyscallProfile): void {
  const order = STAGES.map((s) => s.id);
  const sum = p.stages.reduce((n, s) => n + s.instructions, 0);
  assert.equal(sum, p.total, `${p.name}: stages add up to the total`);
  for (const s of p.stages) {
    assert.ok(order.includes(s.id), `known stage ${s.id}`);
    assert.ok(Number.isInteger(s.instructions) && s.instructions > 0);
  }
  const idx = p.stages.map((s) => order.indexOf(s.id));
  assert.deepEqual(idx, [...idx].sort((a, b) => a - b), 'stages in diagram order');
  assert.ok(!p.stages.some((s) => s.id === 'user' || s.id === 'syscall' || s.id === 'back'), 'ring-0 stages only');
}

describe('syscall profile events', () => {
  const expected = cliRing0Counts();

  describe('running cat-hostname to the end', () => {
    let dc: DebugClient;
    let profiles: SyscallProfile[];
    before(async () => {
      dc = await startClient();
      profiles = collectProfiles(dc);
    });
    after(async () => { await dc.stop(); });

    test('one profile per returning syscall, totals as --trace-ring counts them', async () => {
      const done = dc.waitForEvent('terminated');
      await launch(dc, { program: CAT });
      await done;
      assert.deepEqual(expected.map((e) => e.name), ['openat', 'read', 'write', 'read', 'close'], 'the CLI oracle');
      assert.deepEqual(profiles.map((p) => p.name), ['openat', 'read', 'write', 'read', 'close']);
      assert.deepEqual(profiles.map((p) => p.nr), [257, 0, 1, 0, 3]);
      assert.deepEqual(profiles.map((p) => p.total), expected.map((e) => e.instructions));
      for (const p of profiles) {
        checkShape(p);
        assert.equal(p.exit, 'sysret', `${p.name} returns through SYSRET`);
        const ids = p.stages.map((s) => s.id);
        for (const id of ['entry', 'dispatch', 'wrappers', 'handler', 'exit', 'sysret'] as const) assert.ok(ids.includes(id), `${p.name} passes ${id}`);
        assert.ok(!ids.includes('iret'));
      }
      const read = profiles[1].stages;
      assert.ok((read.find((s) => s.id === 'copy')?.instructions ?? 0) > 0, 'read copies to user space');
      const write = profiles[2].stages;
      assert.ok((write.find((s) => s.id === 'copy')?.instructions ?? 0) > 0, 'write copies from user space');
      process.stdout.write(`# read: ${JSON.stringify(profiles[1])}\n`);
    });
  });

  describe('stepping', () => {
    let dc: DebugClient;
    let profiles: SyscallProfile[];
    before(async () => {
      dc = await startClient();
      profiles = collectProfiles(dc);
    });
    after(async () => { await dc.stop(); });

    test('step in, step over a few, step out: the read still gets its full profile', async () => {
      const hit = dc.waitForEvent('stopped');
      await launch(dc, { program: CAT }, () => dc.setBreakpointsRequest({ source: { path: CAT }, breakpoints: [{ line: READ_SYSCALL }] }));
      await hit;
      assert.deepEqual(profiles.map((p) => p.name), ['openat'], 'openat returned before the breakpoint');
      await stopped(dc, () => dc.stepInRequest({ threadId: 1 }));
      assert.equal(await value(dc, '$cpl'), 0n);
      for (let i = 0; i < 3; i++) await stopped(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
      assert.equal(profiles.length, 1, 'no profile while the read is still in the kernel');
      await stopped(dc, () => dc.stepOutRequest({ threadId: 1 }));
      assert.equal(await value(dc, '$cpl'), 3n);
      assert.match((await frames(dc))[0].name, /ring 3/);
      assert.equal(profiles.length, 2);
      const read = profiles[1];
      checkShape(read);
      assert.equal(read.name, 'read');
      assert.equal(read.total, expected[1].instructions, 'same count as running straight through');
    });
  });
});
