// The machine's fast run paths (whole batches of instructions without breakpoints, the recording
// loop, the MMU's direct-access cache, the number-based REP STOS and IMUL) against the
// one-instruction-at-a-time path (a shouldStop callback that never stops): the same stops, the
// same retired counts, registers, output and memory. Then every recorded instruction undone
// gives back the state from before the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineFor, sym, sortKeys } from './helpers';
import type { RingstepMachine } from '../../emulator/machine/machine-core';

// A sort of LCG keys (64-bit stores and loads, imul), a REP STOSB/STOSQ clear, a write(2) of
// part of the buffer and an exit with a checksum.
const PROGRAM = `
${sortKeys(12345)}
sorted:
  movabsq $0x100000001b3, %r8
  movq (%rsi), %r9
  imulq %r8, %r9
  imulq $-7, %r9, %r10
  leaq text(%rip), %rdi
  movl $16, %ecx
  movb $0x41, %al
  rep stosb
  leaq clear(%rip), %rdi
  movl $8, %ecx
  xorl %eax, %eax
  rep stosq
  movl $1, %eax
  movl $1, %edi
  leaq text(%rip), %rsi
  movl $17, %edx
  syscall
  movq keys+8(%rip), %rdi
  andl $0x7f, %edi
  movl $60, %eax
  syscall
  .data
text: .fill 16, 1, 0
  .byte 10
  .balign 8
clear: .fill 8, 8, -1
  .bss
keys: .zero 64 * 8
`;

interface Outcome {
  stop: unknown;
  retired: bigint;
  gpr: bigint[];
  rip: bigint;
  rflags: number;
  out: string;
  keys: (number | null)[];
}

function run(m: RingstepMachine, how: 'batched' | 'stepwise' | 'sliced'): Outcome {
  let out = '';
  m.on((e) => {
    if (e.kind === 'stdout') out += String.fromCharCode(...e.bytes);
  });
  let stop;
  if (how === 'batched') stop = m.run(1_000_000);
  else if (how === 'stepwise') stop = m.run(1_000_000, () => false);
  else for (;;) if ((stop = m.run(7)).kind !== 'budget') break;
  return {
    stop, retired: m.cpu.retired, gpr: [...m.cpu.gpr], rip: m.cpu.rip, rflags: m.cpu.rflags, out,
    keys: m.readVirtual(sym(m, 'keys'), 64 * 8),
  };
}

test('batched, sliced and recorded runs match the instruction-by-instruction run', () => {
  const reference = run(machineFor('batched', PROGRAM), 'stepwise');
  assert.equal(reference.out, 'AAAAAAAAAAAAAAAA\n');
  assert.equal((reference.stop as { kind: string }).kind, 'exited');
  assert.deepEqual(run(machineFor('batched', PROGRAM), 'batched'), reference);
  assert.deepEqual(run(machineFor('batched', PROGRAM), 'sliced'), reference);
  const recorded = machineFor('batched', PROGRAM);
  recorded.setRecording(true, 1_000_000);
  assert.deepEqual(run(recorded, 'batched'), reference);
});

test('undoing every recorded instruction restores the state before the run', () => {
  const m = machineFor('batched', PROGRAM);
  const keysAt = sym(m, 'keys');
  const clearAt = sym(m, 'clear');
  const before = { gpr: [...m.cpu.gpr], rip: m.cpu.rip, rflags: m.cpu.rflags, retired: m.cpu.retired, cpl: m.cpu.cpl,
    keys: m.readVirtual(keysAt, 64 * 8), clear: m.readVirtual(clearAt, 64) };
  m.setRecording(true, 1_000_000);
  const stop = m.run(1_000_000);
  assert.equal(stop.kind, 'exited');
  const n = m.historyLength;
  assert.ok(n > 1000);
  for (let i = 0; i < n; i++) assert.ok(m.undo());
  assert.deepEqual({ gpr: [...m.cpu.gpr], rip: m.cpu.rip, rflags: m.cpu.rflags, retired: m.cpu.retired, cpl: m.cpu.cpl,
    keys: m.readVirtual(keysAt, 64 * 8), clear: m.readVirtual(clearAt, 64) }, before);
});
