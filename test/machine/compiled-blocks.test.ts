// Compiled blocks (emulator/cpu/block-compiler.ts) against two oracles:
// - the host CPU: random looping programs (seeded; every shape the fast paths and the block runner
//   treat specially: register and immediate ALU forms of both widths, loads and stores, stack
//   forms, calls, forward conditional skips on all 16 conditions, inner loops, rep stos) are
//   assembled with GNU as + ld, run natively, and print their final registers, flags and buffer;
//   the emulated run must print the same bytes;
// - the interpreting block runner: the same program on a machine with compileBlocks off, run in
//   lockstep slices of random length, must have the same registers, RIP, RFLAGS and retired count
//   after every slice (so a budget ending inside a compiled loop is exact too).
// Each test also checks that blocks were really compiled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildElf, runNative } from './helpers';
import { createMachine } from '../../emulator/machine/machine';
import type { RingstepMachine } from '../../emulator/machine/machine-core';
import type { LinkedImage } from '../../emulator/asm/types';

/** A small deterministic generator (xorshift32) so a failing seed can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
  return {
    int: (n: number) => next() % n,
    pick: <T>(a: readonly T[]): T => a[next() % a.length],
    u32: () => next(),
  };
}

// Registers the random code may change. rsp is the stack, rsi points at buf, r15 counts the outer
// loop and r13 inner loops; rdi and rcx are clobbered by rep stos.
const Q = ['rax', 'rbx', 'rcx', 'rdx', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r14'] as const;
const D: Record<string, string> = {
  rax: 'eax', rbx: 'ebx', rcx: 'ecx', rdx: 'edx', rdi: 'edi', r8: 'r8d', r9: 'r9d', r10: 'r10d', r11: 'r11d', r12: 'r12d', r14: 'r14d',
};
const B: Record<string, string> = {
  rax: 'al', rbx: 'bl', rcx: 'cl', rdx: 'dl', rdi: 'dil', r8: 'r8b', r9: 'r9b', r10: 'r10b', r11: 'r11b', r12: 'r12b', r14: 'r14b',
};
const CONDS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;
const ALU = ['add', 'sub', 'and', 'or', 'xor', 'cmp', 'test', 'adc', 'sbb'] as const;
/** instructions after which every flag a jcc/setcc/cmovcc/adc can read is defined */
const DEFINERS = ['add', 'sub', 'cmp', 'and', 'or', 'xor', 'test'] as const;

function randomProgram(seed: number): string {
  const r = rng(seed);
  const q = () => r.pick(Q);
  const reg = (w: 'l' | 'q', name: string) => (w === 'q' ? `%${name}` : `%${D[name]}`);
  const imm = (w: 'l' | 'q') => {
    const v = r.pick([0, 1, 7, 0x7f, 0x80, 0xff, 0x7fffffff, r.u32() & 0xffff, r.u32() | 0]);
    return w === 'q' ? (v | 0) : v >>> 0;
  };
  let label = 0;
  const definer = () => {
    const w = r.pick(['l', 'q'] as const);
    return `  ${r.pick(DEFINERS)}${w} ${reg(w, q())}, ${reg(w, q())}`;
  };
  const one = (): string[] => {
    const w = r.pick(['l', 'q'] as const);
    const a = q(), b = q();
    switch (r.int(17)) {
      case 0: return [`  mov${w} $${imm(w)}, ${reg(w, a)}`];
      case 1: return [`  mov${w} ${reg(w, b)}, ${reg(w, a)}`];
      case 2: {
        const op = r.pick(ALU);
        const src = r.int(2) ? reg(w, b) : `$${imm(w)}`;
        return op === 'adc' || op === 'sbb' ? [definer(), `  ${op}${w} ${src}, ${reg(w, a)}`] : [`  ${op}${w} ${src}, ${reg(w, a)}`];
      }
      case 3: return [`  ${r.pick(['inc', 'dec', 'neg', 'not'])}${w} ${reg(w, a)}`];
      case 4: return [`  imul${w} ${reg(w, b)}, ${reg(w, a)}`];
      case 5: return [`  ${r.pick(['shl', 'shr', 'sar', 'rol', 'ror'])}${w} $${1 + r.int(w === 'q' ? 63 : 31)}, ${reg(w, a)}`];
      case 6: return [`  leaq ${r.int(200) - 100}(%${a},%${b},${r.pick([1, 2, 4, 8])}), %${q()}`];
      case 7: return [`  movzbl ${r.int(1024)}(%rsi), %${D[a]}`];
      case 8: return [`  movl %${D[b]}, %edx`, '  andl $127, %edx', `  mov${w} (%rsi,%rdx,8), ${reg(w, a)}`];
      case 9: return [`  movl %${D[b]}, %edx`, '  andl $127, %edx', `  mov${w} ${reg(w, a)}, (%rsi,%rdx,8)`];
      case 10: return [`  movb %${B[a]}, ${r.int(1024)}(%rsi)`];
      case 11: return [`  cmp${w} ${reg(w, a)}, ${r.int(128) * 8}(%rsi)`];
      case 12: return [definer(), `  set${r.pick(CONDS)} %${B[a]}`, definer(), `  cmov${r.pick(CONDS)}${w} ${reg(w, b)}, ${reg(w, a)}`];
      case 13: return [`  pushq %${a}`, `  pushq $${imm('l') | 0}`, `  popq %${b}`, `  popq %${a}`];
      case 14: return ['  call leaf'];
      case 15: {
        const l = `s${label++}`;
        return [definer(), `  j${r.pick(CONDS)} ${l}`, ...one(), `${l}:`];
      }
      default: return [`  addq %${a}, ${r.int(128) * 8}(%rsi)`];
    }
  };
  const body: string[] = [];
  const straight = (n: number) => { for (let i = 0; i < n; i++) body.push(...one()); };
  straight(4 + r.int(6));
  // an inner loop, long enough to be compiled
  body.push(`  movl $${20 + r.int(40)}, %r13d`, `i${label}:`);
  const inner = `i${label++}`;
  straight(2 + r.int(5));
  body.push('  decl %r13d', `  jnz ${inner}`);
  // rep stos over a corner of the buffer
  body.push(`  leaq ${512 + r.int(256)}(%rsi), %rdi`, `  movl $${1 + r.int(64)}, %ecx`, '  rep stosb');
  straight(3 + r.int(5));

  const init = Q.map((n) => `  movabsq $0x${(BigInt(r.u32()) << 32n | BigInt(r.u32())).toString(16)}, %${n}`);
  return `  .text
  .globl _start
_start:
  leaq buf(%rip), %rsi
${init.join('\n')}
  movl $${30 + r.int(30)}, %r15d
outer:
${body.join('\n')}
  decl %r15d
  jnz outer
  # print the registers, the flags after a defining compare, and the buffer
${Q.map((n, k) => `  movq %${n}, res+${8 * k}(%rip)`).join('\n')}
  cmpq %rbx, %rax
  pushfq
  popq %rax
  andq $0x8d5, %rax
  movq %rax, res+${8 * Q.length}(%rip)
  movl $1, %eax
  movl $1, %edi
  leaq res(%rip), %rsi
  movl $${8 * (Q.length + 1) + 1024}, %edx
  syscall
  movl $231, %eax
  xorl %edi, %edi
  syscall
leaf:
  addq %rbx, %rax
  xorl %ecx, %edx
  ret
  .data
res: .zero ${8 * (Q.length + 1)}
buf: .fill 1024, 1, 0x5a
`;
}

let kernelImage: LinkedImage | undefined;

function machine(name: string, elf: Uint8Array, compileBlocks: boolean): { m: RingstepMachine; out: number[] } {
  const m = createMachine({ program: { kind: 'elf', name, bytes: elf }, kernelImage, compileBlocks }) as RingstepMachine;
  kernelImage ??= m.kernelImage;
  const out: number[] = [];
  m.on((e) => { if (e.kind === 'stdout') out.push(...e.bytes); });
  return { m, out };
}

function state(m: RingstepMachine) {
  return { retired: m.cpu.retired, rip: m.cpu.rip, rflags: m.cpu.rflags, gpr: [...m.cpu.gpr] };
}

/** Run both machines in lockstep slices (random lengths from `seed`, or all `seed`'s length
 *  when it is given as { every }); returns the compiled machine's last stop. */
function lockstep(name: string, elf: Uint8Array, seed: number | { every: number }) {
  const compiled = machine(name, elf, true);
  const interpreted = machine(name, elf, false);
  const r = rng(typeof seed === 'number' ? seed : 1);
  let slices = 0;
  for (;;) {
    const budget = typeof seed !== 'number' ? seed.every : 1 + r.int(r.int(4) === 0 ? 5000 : 40);
    const a = compiled.m.run(budget);
    const b = interpreted.m.run(budget);
    slices++;
    assert.deepEqual(state(compiled.m), state(interpreted.m), `after slice ${slices}`);
    assert.deepEqual(a, b);
    if (a.kind !== 'budget') {
      assert.ok(compiled.m.core.compiledBlockCount > 0, 'blocks were compiled');
      assert.equal(interpreted.m.core.compiledBlockCount, 0);
      assert.deepEqual(compiled.out, interpreted.out);
      return { stop: a, out: Buffer.from(compiled.out) };
    }
  }
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  test(`random looping program ${seed}: compiled blocks print what the host CPU prints and step as the interpreter does`, () => {
    const name = `jit-${seed}`;
    const elf = buildElf(name, randomProgram(seed * 7919));
    const host = runNative(name, elf);
    assert.equal(host.status, 0, `native run: ${host.stderr}`);
    const { stop, out } = lockstep(name, elf, seed);
    assert.deepEqual(stop, { kind: 'exited', status: 0 });
    assert.deepEqual(out, host.stdout, 'emulated output = native output');
  });
}

// A compiled loop that walks off the end of its buffer: the #PF comes from the middle of a block
// that has run (compiled) many times, and must stop at the same instruction, with the same
// registers and retired count, as the interpreter; the host kills it with SIGSEGV too.
const WALK_OFF_THE_END = `
  .text
  .globl _start
_start:
  leaq buf(%rip), %rbx
  xorl %eax, %eax
1: incl %ecx
  addq (%rbx), %rax
  addq $64, %rbx
  xorl %ecx, %eax
  jmp 1b
  .bss
buf: .zero 8192
`;

// A loop that stores to data for 299 passes (so it is compiled) and, in its last pass, into the
// immediate of the instruction right after the store, in the same block: the compiled block must
// notice the code write and let the very next instruction see it, as the host CPU does.
const PATCH_IN_LAST_PASS = `
  .text
  .globl _start
_start:
  xorl %r12d, %r12d
  movl $300, %ecx
  leaq scratch(%rip), %rdi
  leaq patch+1(%rip), %r8
  jmp 1f
  .section .wtext, "awx"
1: cmpl $1, %ecx
  cmoveq %r8, %rdi
  movl %ecx, (%rdi)
patch:
  movl $0x11111111, %eax
  addl %eax, %r12d
  decl %ecx
  jnz 1b
  movl %r12d, %edi
  andl $0x7f, %edi
  movl $60, %eax
  syscall
  .balign 4096                # a page of its own: stores here are not code writes
scratch: .long 0
`;

// A divide error in the middle of a compiled loop (the divisor counts down to zero).
const DIVIDE_IN_LOOP = `
  .text
  .globl _start
_start:
  movl $300, %ecx
  xorl %ebx, %ebx
1: movl $1000000, %eax
  xorl %edx, %edx
  divl %ecx
  addl %eax, %ebx
  decl %ecx
  jmp 1b
`;

test('a page fault in the middle of a compiled loop stops where the interpreter stops; the host agrees it is SIGSEGV', () => {
  const elf = buildElf('jit-walk', WALK_OFF_THE_END);
  assert.equal(runNative('jit-walk', elf).signal, 'SIGSEGV');
  // slices of 50: the loop is entered again each slice, so it is compiled early
  const { stop } = lockstep('jit-walk', elf, { every: 50 });
  assert.deepEqual(stop, { kind: 'exited', status: 128 + 11, signal: 'SIGSEGV' });
});

test('a compiled loop that writes into its own code sees the write at the next instruction, as on the host CPU', () => {
  const elf = buildElf('jit-smc', PATCH_IN_LAST_PASS);
  const host = runNative('jit-smc', elf);
  assert.equal(host.status, (299 * 0x11111111 + 1) & 0x7f);
  for (const slices of [12, { every: 1000 }]) {
    const { stop } = lockstep('jit-smc', elf, slices);
    assert.deepEqual(stop, { kind: 'exited', status: host.status });
  }
});

test('a divide error in the middle of a compiled loop stops where the interpreter stops; the host agrees it is SIGFPE', () => {
  const elf = buildElf('jit-div', DIVIDE_IN_LOOP);
  assert.equal(runNative('jit-div', elf).signal, 'SIGFPE');
  const { stop } = lockstep('jit-div', elf, { every: 50 });
  assert.deepEqual(stop, { kind: 'exited', status: 128 + 8, signal: 'SIGFPE' });
});
