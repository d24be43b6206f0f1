// Cpu.run's blocks skip computing status flags that a later instruction of the block overwrites
// before anything can see them (exec-fast.ts flagUse, Cpu.blockHandlers). Random loops of
// register ALU work mixed with flag readers (adc, setcc, pushf, jcc) and memory accesses run
// through blocks with fast paths on, in runs of random lengths, and instruction by instruction
// with fast paths off (the generic handlers the host-CPU differential vectors check): registers,
// RFLAGS, RIP and the retired count must agree after every run and at the final fault. Half the
// programs keep their data high in the lower half (above 2^32), where the number-addressed memory
// paths see registers with a non-zero high half.
// Code is assembled with GNU as.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBareMetal } from '../../emulator/cpu/baremetal';
import type { Cpu } from '../../emulator/cpu/cpu';
import { flagUse, specialize } from '../../emulator/cpu/exec-fast';
import { decode } from '../../emulator/isa/decode';
import { gnuAsFlat } from './gnu-as';

const assemble = (src: string, name: string): Uint8Array => gnuAsFlat('liveness', name, src);

/** Deterministic pseudo-random numbers (the test must not change between runs). */
function generator(seed: number) {
  let x = seed >>> 0;
  return (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}

const R64 = ['%rax', '%rbx', '%rdx', '%rdi', '%r8', '%r9', '%r10', '%r11'];
const R32 = ['%eax', '%ebx', '%edx', '%edi', '%r8d', '%r9d', '%r10d', '%r11d'];
const ALU = ['add', 'sub', 'and', 'or', 'xor', 'cmp', 'test', 'adc', 'sbb'];

function randomBody(rnd: (n: number) => number, label: number): string[] {
  const lines: string[] = [];
  const count = 4 + rnd(12);
  for (let k = 0; k < count; k++) {
    const wide = rnd(2) === 0;
    const R = wide ? R64 : R32;
    const q = wide ? 'q' : 'l';
    const a = R[rnd(R.length)], b = R[rnd(R.length)];
    switch (rnd(13)) {
      case 0: case 1: case 2: lines.push(`${ALU[rnd(ALU.length)]}${q} ${b}, ${a}`); break;
      case 3: lines.push(`${ALU[rnd(ALU.length)]}${q} $${rnd(2) ? -rnd(200) : rnd(0x7fffffff)}, ${a}`); break;
      case 4: lines.push(`${rnd(2) ? 'inc' : 'dec'}${q} ${a}`); break;
      case 5: lines.push(`mov${q} ${b}, ${a}`); break;
      case 6: lines.push(`imul${q} ${b}, ${a}`); break;
      case 7: lines.push(`set${['c', 'z', 'o', 'p', 's', 'a', 'l'][rnd(7)]} %al`); break;
      case 8: lines.push('pushfq', `popq ${R64[rnd(R64.length)]}`); break;
      case 9: lines.push(`j${['c', 'nz', 'o', 'p', 's', 'be', 'ge'][rnd(7)]} 9${label}${k}f`, `add${q} $3, ${a}`, `9${label}${k}:`); break;
      case 10: lines.push(`mov${q} ${a}, ${8 * rnd(16)}(%rsi)`); break;
      case 11: lines.push(rnd(2) ? `mov${q} ${a}, (%rsi,%rcx,8)` : `mov${q} (%rsi,%rcx,8), ${a}`); break;
      default: lines.push(`mov${q} ${8 * rnd(16)}(%rsi), ${a}`); break;
    }
  }
  return lines;
}

function snapshot(cpu: Cpu) {
  const st = cpu.state;
  return { gpr: Array.from(st.gpr), rflags: st.rflags, rip: st.rip, retired: st.retiredCount };
}

test('blocks with skipped flag computations match the generic path at every run boundary', () => {
  const rnd = generator(2026);
  let compared = 0;
  for (let p = 0; p < 24; p++) {
    const src = [
      `movl $${5 + rnd(40)}, %ecx`,
      'movabsq $0x0123456789abcdef, %rax',
      'movabsq $0xfedcba9876543210, %rbx',
      'movq $-1, %rdx',
      'movl $0x80000000, %edi',
      '1:',
      ...randomBody(rnd, p),
      'decl %ecx',
      'jnz 1b',
      ...randomBody(rnd, p + 100).filter((l) => !l.startsWith('j') && !/^9/.test(l)),
      'movq 0x10, %rdx', // #PF: the run ends with a fault in the middle of a block
      'hlt',
    ].join('\n');
    const code = assemble(src, `p${p}`);
    // data below 2^32, or high in the lower half (number-addressed paths with a high register half)
    const data = p % 2 === 0 ? 0x600000n : 0x7ffff7ff0000n;
    const regs = { 6: data };
    const fast = createBareMetal(code, 0x401000n, { regs, fastPaths: true });
    const slow = createBareMetal(code, 0x401000n, { regs, fastPaths: false });
    fast.mem.map(data, 0x1000);
    slow.mem.map(data, 0x1000);
    for (let guard = 0; guard < 100_000; guard++) {
      const { outcome, steps } = fast.cpu.run(1 + rnd(60));
      let last = { kind: 'ok' } as ReturnType<Cpu['step']>;
      for (let i = 0; i < steps; i++) last = slow.cpu.step();
      // run() may or may not count a faulting instruction as a step: the generic side faults too
      if (outcome.kind === 'fault' && last.kind !== 'fault') last = slow.cpu.step();
      assert.deepEqual(snapshot(fast.cpu), snapshot(slow.cpu), `program ${p}:\n${src}`);
      compared++;
      if (outcome.kind !== 'ok') {
        assert.equal(outcome.kind, 'fault');
        assert.equal(last.kind, 'fault');
        break;
      }
    }
  }
  assert.ok(compared > 200);
});

test('flagless variants compute the same registers as the full handlers', () => {
  const rnd = generator(7);
  const lines: string[] = [];
  for (const op of ['add', 'sub', 'and', 'or', 'xor', 'cmp', 'test']) {
    lines.push(`${op}q %rbx, %rax`, `${op}l %ebx, %eax`, `${op}q $-5, %rax`, `${op}l $0x7fff0000, %eax`);
  }
  for (const op of ['inc', 'dec']) lines.push(`${op}q %rax`, `${op}l %eax`);
  const code = assemble(lines.join('\n'), 'variants');
  const edges = [0n, 1n, 0xffffffffn, 0x100000000n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0xfffffffen];
  let pc = 0;
  let checked = 0;
  while (pc < code.length) {
    const insn = decode(code, pc, 0x401000n + BigInt(pc));
    assert.ok(!('error' in insn));
    const use = flagUse(insn);
    const full = specialize(insn, insn.address + BigInt(insn.length));
    assert.ok(use?.flagless && full, insn.op);
    const one = createBareMetal(code, 0x401000n);
    const two = createBareMetal(code, 0x401000n);
    for (let k = 0; k < 400; k++) {
      const pick = () => (rnd(3) === 0 ? edges[rnd(edges.length)] : (BigInt(rnd(1 << 30)) << 34n) ^ BigInt(rnd(1 << 30)) ^ (BigInt(rnd(4)) << 32n));
      const a = pick(), b = pick();
      for (const m of [one, two]) {
        m.cpu.state.gpr[0] = a;
        m.cpu.state.gpr[3] = b;
      }
      use!.flagless!(one.cpu, insn);
      full!(two.cpu, insn);
      assert.deepEqual(Array.from(one.cpu.state.gpr), Array.from(two.cpu.state.gpr), `${insn.op} ${a.toString(16)} ${b.toString(16)}`);
      checked++;
    }
    pc += insn.length;
  }
  assert.ok(checked > 1000);
});
