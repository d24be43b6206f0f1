// Continue without a step goal, data breakpoints or a syscall being profiled runs through
// machine.runToAddresses: whole (compiled) blocks, stopping only at breakpoint addresses. These
// tests hold it to the instruction-by-instruction path (a goal makes the runner take that one):
// the same stop, the same retired count, conditions and hit counts counted at every pass of a
// compiled loop, and the same per-stage profile of a syscall met on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMachine } from '../../emulator/machine/machine';
import type { Machine } from '../../emulator/machine/api';
import { BreakpointManager, type AddressBreakpoint } from '../../debug-adapter/breakpoints';
import { Runner } from '../../debug-adapter/runner';
import { Target } from '../../debug-adapter/target';
import type { SyscallProfile } from '../../debug-adapter/profile';

const PROGRAM = `
        .text
        .globl _start, loop, check, after
_start:
        xorl    %ecx, %ecx
        xorl    %eax, %eax
loop:   incl    %ecx
        addl    %ecx, %eax
check:  cmpl    $100000, %ecx
        jne     loop
after:  movl    $39, %eax          # getpid, to be profiled on the way
        syscall
        movl    $231, %eax
        xorl    %edi, %edi
        syscall
`;

function booted(): Machine {
  const m = createMachine({ program: { kind: 'sources', files: [{ name: 'loop.s', text: PROGRAM }] } });
  while (m.cpu.cpl !== 3) m.run(10_000, () => m.cpu.cpl === 3);
  return m;
}

function at(m: Machine, name: string): bigint {
  const s = m.symbolByName(name);
  assert.ok(s, name);
  return s.address;
}

function session(bp?: Partial<AddressBreakpoint> & { at: string }) {
  const m = booted();
  const bps = new BreakpointManager();
  if (bp) bps.setInstructionBreakpoints([{ id: 1, kind: 'instruction', addresses: [at(m, bp.at)], verified: true, hits: 0, ...bp }]);
  const runner = new Runner(new Target(m), bps, () => undefined);
  const profiles: SyscallProfile[] = [];
  runner.profiler.onProfile = (p) => profiles.push(p);
  return { m, runner, profiles };
}

test('continue stops at a breakpoint after a long loop with the retired count of the step-by-step path', async () => {
  const fast = session({ at: 'after' });
  const o = await fast.runner.runUntil();
  assert.equal(o.kind, 'stop');
  assert.equal(fast.m.cpu.rip, at(fast.m, 'after'));
  assert.equal(fast.m.cpu.gpr[1], 100000n);

  const slow = session();
  const after = at(slow.m, 'after');
  assert.deepEqual(await slow.runner.runUntil((rip) => rip === after), { kind: 'goal' });
  assert.equal(fast.m.cpu.retired, slow.m.cpu.retired);
  assert.deepEqual([...fast.m.cpu.gpr], [...slow.m.cpu.gpr]);
  assert.ok((fast.m as unknown as { core: { compiledBlockCount: number } }).core.compiledBlockCount > 0, 'the loop ran compiled');
});

test('a hit count inside a compiled loop counts every pass', async () => {
  const { m, runner } = session({ at: 'loop', hitCondition: '5000' });
  const o = await runner.runUntil();
  assert.equal(o.kind, 'stop');
  assert.equal(m.cpu.rip, at(m, 'loop'));
  assert.equal(m.cpu.gpr[1], 4999n, 'stopped before the 5000th incl');
});

test('a condition inside the loop is evaluated at every pass', async () => {
  const { m, runner } = session({ at: 'check', condition: 'rcx == 77777' });
  const o = await runner.runUntil();
  assert.equal(o.kind, 'stop');
  assert.equal(m.cpu.rip, at(m, 'check'));
  assert.equal(m.cpu.gpr[1], 77777n);
});

test('a syscall met during continue is profiled stage by stage as when stepping', async () => {
  const fast = session();
  assert.equal((await fast.runner.runUntil()).kind, 'exited');
  const slow = session();
  assert.equal((await slow.runner.runUntil(() => false)).kind, 'exited');
  assert.deepEqual(fast.profiles.map((p) => p.nr), [39]); // exit_group never returns: no profile
  assert.deepEqual(fast.profiles, slow.profiles);
  assert.equal(fast.m.cpu.retired, slow.m.cpu.retired);
});

test('after a recorded continue, stepping back lands where the step-by-step path lands', async () => {
  const fast = session({ at: 'after' });
  const slow = session();
  fast.m.setRecording(true, 1_000_000);
  slow.m.setRecording(true, 1_000_000);
  assert.equal((await fast.runner.runUntil()).kind, 'stop');
  const after = at(slow.m, 'after');
  assert.deepEqual(await slow.runner.runUntil((rip) => rip === after), { kind: 'goal' });
  for (let k = 0; k < 3; k++) {
    assert.equal(fast.m.undo(), true);
    assert.equal(slow.m.undo(), true);
    assert.equal(fast.m.cpu.retired, slow.m.cpu.retired);
    assert.equal(fast.m.cpu.rip, slow.m.cpu.rip);
    assert.deepEqual([...fast.m.cpu.gpr], [...slow.m.cpu.gpr]);
    assert.equal(fast.m.cpu.rflags, slow.m.cpu.rflags);
  }
  assert.equal(fast.m.cpu.rip, at(fast.m, 'loop') + 2n, 'back at addl, the 100000th pass');
});
