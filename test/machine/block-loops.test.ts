// Blocks whose loop does not start at the block's head (Cpu.buildBlock: a branch back to any entry
// of the block, or a fall-through into one, as when a loop is entered in its middle) and blocks that
// follow direct calls, with the stack fast paths (push/pop/call/ret): batched runs at many budgets against the instruction-by-instruction path, with the host CPU's exit status as
// the oracle for each program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNative, sameInAllModes, userElf, sortKeys } from './helpers';

// A block starting at `outer` runs into `inner`, whose jmp goes back to an entry in the middle of
// that block (insertion sort of 64 keys, as bench/programs/sort.s does).
const LOOP_INSIDE_BLOCK = `
${sortKeys(777)}
sorted: xorl %edi, %edi
  movl $1, %ecx
2: movq -8(%rsi,%rcx,8), %rax
  cmpq (%rsi,%rcx,8), %rax
  jbe 3f
  incl %edi
3: incl %ecx
  cmpl $64, %ecx
  jl 2b
  movq 8*17(%rsi), %rax
  xorl %eax, %edi
  andl $0x7f, %edi
  movl $60, %eax
  syscall
  .data
keys: .fill 64, 8, 0
`;

// A loop entered in its middle: the block built at the entry point ends by falling through into
// its own head... and a conditional jump inside it leaves the block.
const ENTERED_IN_MIDDLE = `
  xorl %eax, %eax
  movl $500, %ecx
  jmp middle
top: addl %ecx, %eax
  xorl $5, %eax
middle: decl %ecx
  jz done
  addl $2, %eax
  jmp top
done: movl %eax, %edi
  andl $0x7f, %edi
  movl $60, %eax
  syscall
`;

// Self-modifying code in a loop that starts mid-block: each pass rewrites the immediate of an
// instruction earlier in the same loop.
const SMC_IN_LOOP = `
  xorl %r12d, %r12d
  movl $6, %ecx
  jmp entry
  .section .wtext, "awx"
entry: movl $0, %edx
body: addl %edx, %r12d
patch: movl $0x11111111, %edx
  movl %ecx, patch+1(%rip)
  decl %ecx
  jnz body
  addl %edx, %r12d
  movl %r12d, %edi
  andl $0x7f, %edi
  movl $60, %eax
  syscall
`;

// Calls, returns, pushes and pops (the stack fast paths of exec-fast.ts): a recursive Fibonacci,
// then PUSH RSP (pushes the old value), POP RSP (loads the popped value) and a sign-extended
// PUSH imm8; exits 1 on a mismatch.
const CALLS_AND_STACK = `
  movl $16, %edi
  call fib
  movl %eax, %r12d
  movq %rsp, %rbx
  push %rsp
  pop %rcx
  cmpq %rbx, %rcx
  jne bad
  leaq -64(%rsp), %rax
  push %rax
  pop %rsp
  leaq -64(%rbx), %rcx
  cmpq %rcx, %rsp
  jne bad
  movq %rbx, %rsp
  pushq $-7
  pop %rdx
  cmpq $-7, %rdx
  jne bad
  movl %r12d, %edi
  andl $0x7f, %edi
  movl $60, %eax
  syscall
bad: movl $1, %edi
  movl $60, %eax
  syscall
fib: cmpl $2, %edi
  jb 1f
  push %rbx
  push %rdi
  decl %edi
  call fib
  movl %eax, %ebx
  pop %rdi
  subl $2, %edi
  call fib
  addl %ebx, %eax
  pop %rbx
  ret
1: movl %edi, %eax
  ret
`;

// budgets that end inside blocks and inside loop passes
const SLICES = [1, 5, 9, 13, 64, 65];

for (const [name, body] of [['loop-inside', LOOP_INSIDE_BLOCK], ['entered-middle', ENTERED_IN_MIDDLE], ['smc-loop', SMC_IN_LOOP], ['calls-stack', CALLS_AND_STACK]] as const) {
  test(`${name}: every mode retires the same stream and exits as on the host CPU`, () => {
    const status = runNative(name, userElf(`${name}-native`, body)).status;
    assert.equal(typeof status, 'number');
    const r = sameInAllModes(name, body, SLICES);
    assert.deepEqual(r.stop, { kind: 'exited', status });
  });
}
