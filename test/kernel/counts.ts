// Counts the instructions from a `syscall` (inclusive) to the first user instruction after it.
import { bootWith } from './harness';
import type { Mitigations } from '../../emulator/machine/api';

export const OFF: Mitigations = { pti: false, ibrs: false, retbleed: false, bhi: false, verw: false, randomize_kstack_offset: false, smap: false, smep: false };

/** Runs `src` to the label `at` (a syscall instruction), then steps until CPL 3 again. */
export function ring0Instructions(src: string, at: string, mitigations?: Partial<Mitigations>): { count: number; how: string } {
  const m = bootWith({ program: { kind: 'sources', files: [{ name: 'p.s', text: src }] }, mitigations });
  const target = m.userImage.symbols.find((s) => s.name === at)!.address;
  const stop = m.run(1_000_000, (rip) => rip === target);
  if (stop.kind !== 'breakpoint') throw new Error('did not reach ' + at + ': ' + stop.kind);
  let how = '';
  m.on((e) => { if (e.kind === 'ring' && e.to === 3) how = e.how; });
  m.step(); // the syscall itself
  let count = 1;
  while (m.cpu.cpl !== 3 && count < 100000) { m.step(); count++; }
  return { count, how };
}

export const GETPID = `.globl _start
_start:
	movl $39, %eax
at:	syscall
	movl $231, %eax
	xorl %edi, %edi
	syscall
`;

export const READ7 = `.globl _start
_start:
	movl $257, %eax
	movq $-100, %rdi
	leaq path(%rip), %rsi
	xorl %edx, %edx
	syscall
	movl %eax, %edi
	xorl %eax, %eax
	leaq buf(%rip), %rsi
	movl $262144, %edx
at:	syscall
	movl $231, %eax
	xorl %edi, %edi
	syscall
	.data
path:	.asciz "/etc/hostname"
	.bss
buf:	.skip 262144
`;
