// Replays the host-CPU vectors (vectors.json.gz, made by gen-vectors.ts on real x86-64 hardware)
// through the emulator: same instruction bytes at the same address, same registers, flags and
// memory in; every register, the defined flags, memory and branch outcome must match.
// Flags the SDM leaves undefined are masked: the ISA table's per-form undefMask plus the
// count-dependent rules of alu.undefinedFlags().

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { CpuState, F, type Size } from '../../emulator/cpu/state';
import { Cpu } from '../../emulator/cpu/cpu';
import { FlatMemory } from '../../emulator/cpu/baremetal';
import { STATUS, undefinedFlags } from '../../emulator/cpu/alu';
import { decode, isDecodeError } from '../../emulator/isa/decode';
import { TABLE } from '../../emulator/isa/table';
import type { Instruction } from '../../emulator/isa/types';
import { DEFAULT_REGS, memoryImage, REG_NAMES, SCRATCH, SCRATCH_SIZE } from './diff-cases';

interface VCase { in: Record<string, string>; f: number; out: Record<string, string>; of: number; t?: number; i?: number; m?: number[][] }
interface VGroup { name: string; asm: string; mem: boolean; addr: string; bytes: string; taken: string | null; cases: VCase[] }

const vectors = JSON.parse(gunzipSync(readFileSync(join(__dirname, 'vectors.json.gz'))).toString()) as { host: string; cases: number; groups: VGroup[] };

const SHIFTS = new Set(['shl', 'sal', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr', 'shld', 'shrd']);

/** Undefined-flag mask for one execution: the table's per-form mask plus count-dependent rules. */
function undefinedMask(insn: Instruction, regs: BigUint64Array): number {
  let mask = TABLE[insn.form].undefMask;
  if (SHIFTS.has(insn.op)) {
    const c = insn.operands[insn.op === 'shld' || insn.op === 'shrd' ? 2 : 1];
    let count = 1;
    if (c?.kind === 'imm') count = Number(c.value & 0xffn);
    else if (c?.kind === 'reg') count = Number(regs[1] & 0xffn);
    const d = insn.operands[0];
    const size = (d.kind === 'reg' ? d.size : insn.opSize) as Size;
    mask |= undefinedFlags(insn.op, count, size);
  } else {
    mask |= undefinedFlags(insn.op);
  }
  return mask;
}

for (const fastPaths of [true, false]) test(`differential: ${vectors.cases} host-CPU vectors (${vectors.host}), ${fastPaths ? 'fast paths on' : 'generic handlers only'}`, (t) => {
  const scratch = new Uint8Array(SCRATCH_SIZE);
  const perOp = new Map<string, { cases: number; bad: number }>();
  const failures: string[] = [];
  let total = 0, bad = 0;

  for (const g of vectors.groups) {
    const addr = BigInt('0x' + g.addr);
    const bytes = Uint8Array.from(Buffer.from(g.bytes, 'hex'));
    const decoded = decode(bytes, 0, addr);
    if (isDecodeError(decoded)) {
      failures.push(`${g.name} (${g.asm}): decode error ${decoded.error}`);
      bad += g.cases.length;
      total += g.cases.length;
      continue;
    }
    const op = decoded.op;
    const stat = perOp.get(op) ?? { cases: 0, bad: 0 };
    perOp.set(op, stat);

    const mem = new FlatMemory();
    mem.map(SCRATCH, scratch);
    const page = addr & ~0xfffn;
    const code = mem.map(page, 0x2000);
    code.set(bytes, Number(addr - page));
    const state = new CpuState();
    const cpu = new Cpu(state, mem, { fastPaths });

    for (const c of g.cases) {
      total++;
      stat.cases++;
      for (let i = 0; i < 16; i++) state.gpr[i] = DEFAULT_REGS[i];
      for (const [name, v] of Object.entries(c.in)) state.gpr[REG_NAMES.indexOf(name as never)] = BigInt('0x' + v);
      const inputRegs = state.gpr.slice();
      state.rflags = c.f;
      state.rip = addr;
      state.halted = false;
      if (g.mem) scratch.set(memoryImage(c.i!));

      const outcome = cpu.step();
      const problems: string[] = [];
      if (outcome.kind !== 'ok') problems.push(`outcome ${outcome.kind}${outcome.kind === 'fault' ? ' ' + outcome.fault : ''}`);
      for (let i = 0; i < 16; i++) {
        const name = REG_NAMES[i];
        const want = c.out[name] !== undefined ? BigInt('0x' + c.out[name]) : inputRegs[i];
        if (state.gpr[i] !== want) problems.push(`${name}=0x${state.gpr[i].toString(16)} want 0x${want.toString(16)}`);
      }
      const mask = (STATUS | F.DF) & ~undefinedMask(decoded, inputRegs);
      if ((state.rflags & mask) !== (c.of & mask)) {
        problems.push(`flags 0x${(state.rflags & mask).toString(16)} want 0x${(c.of & mask).toString(16)} (mask 0x${mask.toString(16)})`);
      }
      const wantRip = c.t ? BigInt('0x' + g.taken!) : addr + BigInt(bytes.length);
      if (state.rip !== wantRip) problems.push(`rip 0x${state.rip.toString(16)} want 0x${wantRip.toString(16)}`);
      if (g.mem) {
        const want = memoryImage(c.i!);
        for (const [off, b] of c.m!) want[off] = b;
        for (let k = 0; k < SCRATCH_SIZE; k++) {
          if (scratch[k] !== want[k]) {
            problems.push(`memory +0x${k.toString(16)} = 0x${scratch[k].toString(16)} want 0x${want[k].toString(16)}`);
            break;
          }
        }
      }
      if (problems.length) {
        bad++;
        stat.bad++;
        if (failures.length < 40) {
          failures.push(`${g.name} [${g.asm}] in ${JSON.stringify(c.in)} flags 0x${c.f.toString(16)}: ${problems.join('; ')}`);
        }
      }
    }
  }

  const lines = [...perOp.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([op, s]) => `${op} ${s.cases - s.bad}/${s.cases}`);
  t.diagnostic(`per op (matching/cases): ${lines.join(', ')}`);
  t.diagnostic(`total: ${total - bad}/${total} match (${((100 * (total - bad)) / total).toFixed(2)}%) over ${vectors.groups.length} instruction forms`);
  assert.equal(failures.length, 0, `${bad} of ${total} cases differ from the host CPU:\n${failures.join('\n')}`);
});
