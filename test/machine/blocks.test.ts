// Cpu.run's block path (straight-line runs and loop traces executed without step()'s
// per-instruction bookkeeping) against the instruction-by-instruction path: the same stops,
// retired counts, registers and RIP, for self-modifying code inside a block, faults in the middle
// of a block, and loops with calls. The self-modifying program also runs natively on the host CPU
// (its exit status is the oracle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNative, sameInAllModes, userElf } from './helpers';

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

// budgets that end inside blocks and inside passes of a self-looping block
const SLICES = [3, 7, 100];

test('self-modifying code inside a block: every mode sees the write, as the host CPU does', () => {
  assert.equal(runNative('smc', userElf('smc-native', SELF_MODIFYING)).status, 15);
  const r = sameInAllModes('smc', SELF_MODIFYING, SLICES);
  assert.deepEqual(r.stop, { kind: 'exited', status: 15 });
});

test('a page fault in the middle of a block stops at the same instruction in every mode', () => {
  const r = sameInAllModes('pf-mid', FAULT_MID_BLOCK, SLICES);
  assert.notEqual((r.stop as { kind: string }).kind, 'budget');
});

test('a divide error in the middle of a block stops at the same instruction in every mode', () => {
  const r = sameInAllModes('de-mid', DIVIDE_MID_BLOCK, SLICES);
  assert.notEqual((r.stop as { kind: string }).kind, 'budget');
});

test('loops with calls and conditional skips retire the same stream in every mode', () => {
  const r = sameInAllModes('loop-calls', LOOP_WITH_CALLS, SLICES);
  assert.deepEqual(r.stop, { kind: 'exited', status: (300 + 150 * 3) & 0x7f });
});

test('self-looping blocks stop exactly at every budget', () => {
  const r = sameInAllModes('tight', TIGHT_LOOPS, SLICES);
  assert.deepEqual(r.stop, { kind: 'exited', status: (3000 + (77 * 78) / 2) & 0x7f });
});
