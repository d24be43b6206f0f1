// The decode cache across address-space switches: decodes survive a MOV to CR3 made by a system
// instruction (so a kernel with PTI does not decode everything again after each syscall), but
// only for pages that still come from the same physical frame; a linear page that now maps
// another frame holding other code must run that code. A small two-address-space memory and a
// system layer that only knows MOV CR3 and HLT stand in for the MMU and system.ts, so the test
// can swap a code page's frame without writing either frame (the kernel's own mmap cannot: it
// zeroes every frame it hands out, which the code watch already sees). Code is assembled with
// GNU as.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cpu } from '../../emulator/cpu/cpu';
import { CpuFault, CpuState, SEG_CS, SEG_SS, Vec, type LinearMemory, type Size } from '../../emulator/cpu/state';
import type { CodeWatchingMemory, SystemOps } from '../../emulator/cpu/system-ops';
import type { Instruction } from '../../emulator/isa/types';
import { gnuAsFlat } from './gnu-as';

const assemble = (src: string, name: string): Uint8Array => gnuAsFlat('spaces', name, src);

/** Physical frames and two page tables (linear page number -> frame index); CR3 picks one. */
class TwoSpaces implements LinearMemory, CodeWatchingMemory {
  frames: Uint8Array[] = [];
  tables = [new Map<number, number>(), new Map<number, number>()];
  space = 0;
  watched = new Set<number>();
  cpu: Cpu | null = null;
  /** frames written while watched (the test expects none: the swap writes no frame) */
  codeWrites = 0;

  frame(bytes: Uint8Array): number {
    const f = new Uint8Array(4096);
    f.set(bytes);
    this.frames.push(f);
    return this.frames.length - 1;
  }
  private where(lin: bigint): [number, number] {
    const f = this.tables[this.space].get(Number(lin >> 12n));
    if (f === undefined) throw new CpuFault(Vec.PF, 0, lin, `unmapped 0x${lin.toString(16)}`);
    return [f, Number(lin & 0xfffn)];
  }
  read(lin: bigint, size: Size): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const [f, off] = this.where(lin + BigInt(i));
      v = (v << 8n) | BigInt(this.frames[f][off]);
    }
    return v;
  }
  write(lin: bigint, size: Size, value: bigint): void {
    for (let i = 0; i < size; i++) this.where(lin + BigInt(i)); // all-or-nothing
    for (let i = 0; i < size; i++) {
      const [f, off] = this.where(lin + BigInt(i));
      this.frames[f][off] = Number((value >> BigInt(8 * i)) & 0xffn);
      if (this.watched.has(f)) {
        this.codeWrites++;
        this.cpu!.invalidateCode((lin + BigInt(i)) & ~0xfffn);
      }
    }
  }
  fetch(lin: bigint, len: number): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < len; i++) {
      const f = this.tables[this.space].get(Number((lin + BigInt(i)) >> 12n));
      if (f === undefined) {
        if (i === 0) this.where(lin);
        break;
      }
      out.push(this.frames[f][Number((lin + BigInt(i)) & 0xfffn)]);
    }
    return new Uint8Array(out);
  }
  watchCode(linearPage: bigint): void {
    this.watched.add(this.where(linearPage)[0]);
  }
  fetchFrame(lin: bigint): number {
    return this.where(lin)[0];
  }
}

/** MOV to CR3 switches the space (and tells the CPU, as system.ts does); HLT halts. */
function systemFor(mem: TwoSpaces): SystemOps {
  return {
    exec(cpu: Cpu, insn: Instruction) {
      const [d, s] = insn.operands;
      if (insn.op === 'hlt') {
        cpu.state.halted = true;
      } else if (insn.op === 'mov' && d.kind === 'reg' && d.cls === 'cr' && d.num === 3 && s.kind === 'reg') {
        mem.space = Number(cpu.state.gpr[s.num] & 1n);
        cpu.invalidateCode();
      } else {
        throw new CpuFault(Vec.UD, undefined, undefined, `no ${insn.op} here`);
      }
    },
    deliver: () => false,
  };
}

const MAIN = `
  xorl %ebx, %ebx
  movl $0x2000, %edx
  movl $3, %esi
1:
  call *%rdx          # space 0: returns 1
  addl %eax, %ebx
  movl $1, %ecx
  movq %rcx, %cr3
  call *%rdx          # space 1: the same linear page, another frame: returns 20
  addl %eax, %ebx
  xorl %ecx, %ecx
  movq %rcx, %cr3
  decl %esi
  jnz 1b
  call *%rdx          # space 0 again: 1
  addl %eax, %ebx
  hlt
`;

function machine(fastPaths: boolean) {
  const mem = new TwoSpaces();
  const main = mem.frame(assemble(MAIN, 'main'));
  const one = mem.frame(assemble('movl $1, %eax\nret', 'one'));
  const twenty = mem.frame(assemble('movl $20, %eax\nret', 'twenty'));
  const stack = mem.frame(new Uint8Array(0));
  for (const [t, fn] of [[mem.tables[0], one], [mem.tables[1], twenty]] as const) {
    t.set(1, main);
    t.set(2, fn);
    t.set(3, stack);
  }
  const state = new CpuState();
  state.rip = 0x1000n;
  state.gpr[4] = 0x4000n;
  state.seg[SEG_CS] = { sel: 0x08, base: 0n, limit: 0xffffffff, dpl: 0, long: true, present: true };
  state.seg[SEG_SS] = { sel: 0x10, base: 0n, limit: 0xffffffff, dpl: 0, long: false, present: true };
  const cpu = new Cpu(state, mem, { system: systemFor(mem), fastPaths });
  mem.cpu = cpu;
  return { cpu, mem };
}

const EXPECTED = 3 * (1 + 20) + 1;

test('a CR3 switch keeps decodes only for pages still backed by the same frame', () => {
  for (const fastPaths of [true, false]) {
    // batched (blocks) and one instruction at a time
    for (const batch of [1000, 1]) {
      const { cpu, mem } = machine(fastPaths);
      let outcome;
      for (let i = 0; i < 1000; i++) {
        outcome = cpu.run(batch).outcome;
        if (outcome.kind !== 'ok') break;
      }
      assert.equal(outcome?.kind, 'halted', `fastPaths ${fastPaths}, batch ${batch}`);
      assert.equal(Number(cpu.state.gpr[3]), EXPECTED, `fastPaths ${fastPaths}, batch ${batch}`);
      assert.equal(mem.codeWrites, 0); // no frame was written: only the frame check can tell
    }
  }
});
