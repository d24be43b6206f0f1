// Cpu.run's block path (straight-line runs and loop traces executed without step()'s
// per-instruction bookkeeping) against the instruction-by-instruction path: the same stops,
// retired counts, registers and RIP, for self-modifying code inside a block, faults in the middle
// of a block, and loops with calls. The self-modifying program also runs natively on the host CPU
// (its exit status is the oracle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineFor, userElf, work } from './helpers';
import type { RingstepMachine } from '../../emulator/machine/machine-core';

// Each pass rewrites the immediate of the instruction right after the store (same block), so the
// sum is 5+4+3+2+1 only when the write is seen by the very next instruction.
const SELF_MODIFYING = `
  xorl %r12d, %r12d
  movl $5, %ecx
  jmp smc
  .section .wtext, "awx"
smc:
  movl %ecx, patch+1(%rip)
patch:
  movl $0x11111111, %eax
  addl %eax, %r12d
  decl %ecx
  jnz smc
  movl %r12d, %edi
  movl $60, %eax
  syscall
`;

const FAULT_MID_BLOCK = `
  movl $3, %ecx
1: addl $7, %eax
  decl %ecx
  jnz 1b
  movl $1, %ebx
  addl %ebx, %eax
  movq 0x10, %rdx
  addl $1, %eax
  movl $60, %eax
  syscall
`;

const DIVIDE_MID_BLOCK = `
  movl $100, %eax
  xorl %edx, %edx
  xorl %ecx, %ecx
  addl $5, %eax
  divl %ecx
  movl $60, %eax
  syscall
`;

const LOOP_WITH_CALLS = `
  xorl %ebx, %ebx
  movl $300, %ecx
1: call bump
  testl $1, %ecx
  jz 2f
  addl $3, %ebx
2: decl %ecx
  jnz 1b
  movl %ebx, %edi
  andl $0x7f, %edi
  movl $60, %eax
  syscall
bump:
  incl %ebx
  ret
`;

function outcome(m: RingstepMachine, how: 'batched' | 'stepwise' | number) {
  let stop;
  if (how === 'batched') stop = m.run(1_000_000);
  else if (how === 'stepwise') stop = m.run(1_000_000, () => false);
  else for (;;) if ((stop = m.run(how)).kind !== 'budget') break;
  return { stop, retired: m.cpu.retired, gpr: [...m.cpu.gpr], rip: m.cpu.rip, rflags: m.cpu.rflags, cpl: m.cpu.cpl };
}

// A tight loop (a block that jumps back to its own head) then a loop ending in an unconditional
// jump back to its head.
const TIGHT_LOOPS = `
  xorl %eax, %eax
  movl $1000, %ecx
1: addl $3, %eax
  decl %ecx
  jnz 1b
  movl $77, %ecx
2: testl %ecx, %ecx
  jz 3f
  addl %ecx, %eax
  decl %ecx
  jmp 2b
3: movl %eax, %edi
  andl $0x7f, %edi
  movl $60, %eax
  syscall
`;

function sameInAllModes(name: string, body: string) {
  const reference = outcome(machineFor(name, body), 'stepwise');
  assert.deepEqual(outcome(machineFor(name, body), 'batched'), reference);
  // budgets that end inside blocks and inside passes of a self-looping block
  for (const slice of [3, 7, 100]) assert.deepEqual(outcome(machineFor(name, body), slice), reference);
  return reference;
}

test('self-modifying code inside a block: every mode sees the write, as the host CPU does', () => {
  const exe = join(work, 'smc-native.out');
  writeFileSync(exe, userElf('smc-native', SELF_MODIFYING));
  chmodSync(exe, 0o755);
  const native = spawnSync(exe);
  assert.equal(native.status, 15);
  const r = sameInAllModes('smc', SELF_MODIFYING);
  assert.deepEqual(r.stop, { kind: 'exited', status: 15 });
});

test('a page fault in the middle of a block stops at the same instruction in every mode', () => {
  const r = sameInAllModes('pf-mid', FAULT_MID_BLOCK);
  assert.notEqual((r.stop as { kind: string }).kind, 'budget');
});

test('a divide error in the middle of a block stops at the same instruction in every mode', () => {
  const r = sameInAllModes('de-mid', DIVIDE_MID_BLOCK);
  assert.notEqual((r.stop as { kind: string }).kind, 'budget');
});

test('loops with calls and conditional skips retire the same stream in every mode', () => {
  const r = sameInAllModes('loop-calls', LOOP_WITH_CALLS);
  assert.deepEqual(r.stop, { kind: 'exited', status: (300 + 150 * 3) & 0x7f });
});

test('self-looping blocks stop exactly at every budget', () => {
  const r = sameInAllModes('tight', TIGHT_LOOPS);
  assert.deepEqual(r.stop, { kind: 'exited', status: (3000 + (77 * 78) / 2) & 0x7f });
});
