// REP STOSB's page-at-a-time fast path (exec-fast.ts repStos + Mmu.fillBytes) against the host
// CPU: a fill that starts mid-page, crosses a page boundary and runs into an unmapped page must
// fault with RDI at the first unmapped byte and RCX counting the bytes not stored, as hardware
// does. A SIGSEGV handler prints RDI - base and RCX from the signal frame's ucontext (the layout
// Linux and our kernel share), and the bytes just before the boundary; native and emulated output
// must be equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildElf, runNative } from './helpers';
import { createMachine } from '../../emulator/machine/machine';

const FILL_INTO_A_HOLE = `
  .text
  .globl _start
_start:
  # two pages of .bss (below 4 GiB, where the fast path works), then unmap the second: a hole
  # right after the first
  leaq buf(%rip), %rax
  movq %rax, base(%rip)
  leaq 4096(%rax), %rdi
  movl $11, %eax
  movl $4096, %esi
  syscall
  # SIGSEGV -> on_segv
  movl $13, %eax
  movl $11, %edi
  leaq act(%rip), %rsi
  xorl %edx, %edx
  movl $8, %r10d
  syscall
  movq base(%rip), %rdi
  addq $100, %rdi
  movl $8000, %ecx
  movb $0xa5, %al
  rep stosb
  movl $60, %eax
  movl $1, %edi
  syscall

on_segv:                        # rdi = signo, rsi = siginfo, rdx = ucontext
  movq 40+8*8(%rdx), %rax       # uc_mcontext.rdi
  subq base(%rip), %rax
  movq %rax, out(%rip)
  movq 40+14*8(%rdx), %rax      # uc_mcontext.rcx
  movq %rax, out+8(%rip)
  movq base(%rip), %rsi
  movq 4088(%rsi), %rax         # the last bytes stored before the hole
  movq %rax, out+16(%rip)
  movq 96(%rsi), %rax           # and the bytes around the start
  movq %rax, out+24(%rip)
  movl $1, %eax
  movl $1, %edi
  leaq out(%rip), %rsi
  movl $32, %edx
  syscall
  movl $60, %eax
  xorl %edi, %edi
  syscall

  .data
act: .quad on_segv, 0x04000000, on_segv, 0   # handler, SA_RESTORER, restorer (never used), mask
base: .quad 0
out: .zero 32
  .bss
  .balign 4096
buf: .zero 8192
`;

test('rep stosb across a page boundary into a hole faults with the RDI and RCX the host CPU reports', () => {
  const elf = buildElf('rep-stos-hole', FILL_INTO_A_HOLE);
  const host = runNative('rep-stos-hole', elf);
  assert.equal(host.status, 0, String(host.stderr));
  const m = createMachine({ program: { kind: 'elf', name: 'rep-stos-hole', bytes: elf } });
  const out: number[] = [];
  m.on((e) => { if (e.kind === 'stdout') out.push(...e.bytes); });
  let stop;
  while ((stop = m.run(1_000_000)).kind === 'budget');
  assert.deepEqual(stop, { kind: 'exited', status: 0 });
  const emulated = Buffer.from(out);
  assert.deepEqual(emulated, host.stdout);
  // and what that means: RDI at the hole, RCX = 8000 - (4096 - 100) bytes left
  assert.equal(emulated.readBigUInt64LE(0), 4096n);
  assert.equal(emulated.readBigUInt64LE(8), 4004n);
  assert.equal(emulated.readBigUInt64LE(16), 0xa5a5a5a5a5a5a5a5n);
  assert.equal(emulated.readBigUInt64LE(24), 0xa5a5a5a500000000n);
});
