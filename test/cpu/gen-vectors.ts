// Regenerates test/cpu/vectors.json.gz by running every case of diff-cases.ts on the host CPU.
// Needs an x86-64 Linux host with GNU as and gcc:  node --import tsx test/cpu/gen-vectors.ts
//
// How: one assembly file holds a snippet per group (the instruction, then a jump back to a common
// exit; branches get a second exit that records "taken"), a run_case() routine that loads all
// registers and RFLAGS from st_in, jumps to a snippet and stores everything to st_out, and a
// table of snippet addresses. A small C driver reads the inputs, runs each case once and writes the
// outputs. The scratch section (memory operands and the stack) is linked at a fixed address so the
// emulator can map the same addresses.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildGroups, DEFAULT_REGS, memoryImage, REG_NAMES, SCRATCH, SCRATCH_SIZE } from './diff-cases';

const work = join(process.cwd(), '.tmp', 'cpu', 'gen');
mkdirSync(work, { recursive: true });
const groups = buildGroups();

// ---- assembly: run_case, the snippets and the table ------------------------------------------
const asm: string[] = [];
asm.push('.section .note.GNU-stack,"",@progbits', '.data', '.globl st_in, st_out, taken, group_table, group_count', '.align 8');
asm.push('st_in: .skip 17*8', 'st_out: .skip 17*8', 'host_rsp: .quad 0', 'target: .quad 0', 'taken: .byte 0', '.align 8');
asm.push(`group_count: .quad ${groups.length}`, 'group_table:');
groups.forEach((g, i) => asm.push(`.quad g${i}_start, g${i}_end, ${g.branch ? `g${i}_taken` : '0'}`));
asm.push(`.section .scratch,"aw",@nobits`, '.globl scratch', `scratch: .skip ${SCRATCH_SIZE}`);
asm.push('.text', '.globl run_case', 'run_case:');
asm.push('push %rbx', 'push %rbp', 'push %r12', 'push %r13', 'push %r14', 'push %r15');
asm.push('mov %rsp, host_rsp(%rip)', 'mov %rdi, target(%rip)');
asm.push('pushq st_in+128(%rip)', 'popfq');
REG_NAMES.forEach((r, i) => { if (r !== 'rsp') asm.push(`mov st_in+${i * 8}(%rip), %${r}`); });
asm.push('mov st_in+32(%rip), %rsp', 'jmp *target(%rip)');
asm.push('common_exit_taken:', 'movb $1, taken(%rip)');
asm.push('common_exit:');
REG_NAMES.forEach((r, i) => asm.push(`mov %${r}, st_out+${i * 8}(%rip)`));
asm.push('mov host_rsp(%rip), %rsp', 'pushfq', 'popq st_out+128(%rip)', 'cld');
asm.push('pop %r15', 'pop %r14', 'pop %r13', 'pop %r12', 'pop %rbp', 'pop %rbx', 'ret');
groups.forEach((g, i) => {
  const insn = g.asm.replace('1f', `g${i}_taken`);
  asm.push(`g${i}_start: ${insn}`, `g${i}_end: jmp common_exit`);
  if (g.branch) asm.push(`g${i}_taken: jmp common_exit_taken`);
});
writeFileSync(join(work, 'cases.s'), asm.join('\n') + '\n');

const driver = `
#include <stdio.h>
#include <stdint.h>
#include <string.h>
extern uint64_t st_in[17], st_out[17], group_table[], group_count;
extern uint8_t taken, scratch[${SCRATCH_SIZE}];
extern void run_case(void *code);
int main(int argc, char **argv) {
  FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
  if (!in || !out) return 2;
  fwrite(&group_count, 8, 1, out);
  for (uint64_t g = 0; g < group_count; g++) {
    fwrite(&group_table[3 * g], 8, 3, out);
    fwrite((void *)group_table[3 * g], 1, group_table[3 * g + 1] - group_table[3 * g], out);
  }
  uint64_t hdr[19];
  while (fread(hdr, 8, 19, in) == 19) {
    if (hdr[1]) { if (fread(scratch, 1, sizeof scratch, in) != sizeof scratch) return 3; }
    else memset(scratch, 0, sizeof scratch);
    memcpy(st_in, hdr + 2, sizeof st_in);
    taken = 0;
    run_case((void *)group_table[3 * hdr[0]]);
    uint64_t t = taken;
    fwrite(st_out, 8, 17, out);
    fwrite(&t, 8, 1, out);
    if (hdr[1]) fwrite(scratch, 1, sizeof scratch, out);
  }
  fclose(out);
  return 0;
}
`;
writeFileSync(join(work, 'driver.c'), driver);
execFileSync('gcc', ['-O1', '-no-pie', '-o', join(work, 'runner'), join(work, 'driver.c'), join(work, 'cases.s'),
  `-Wl,--section-start=.scratch=0x${SCRATCH.toString(16)}`], { stdio: 'inherit' });

// ---- inputs -----------------------------------------------------------------------------------
const chunks: Buffer[] = [];
let caseIndex = 0;
const plan: { g: number; index: number; regs: bigint[]; flags: number }[] = [];
groups.forEach((g, gi) => {
  for (const c of g.cases) {
    const regs = DEFAULT_REGS.slice();
    for (const [name, v] of Object.entries(c.regs)) regs[REG_NAMES.indexOf(name as never)] = v!;
    const flags = c.flags | 0x202;
    const hdr = Buffer.alloc(19 * 8);
    hdr.writeBigUInt64LE(BigInt(gi), 0);
    hdr.writeBigUInt64LE(g.mem ? 1n : 0n, 8);
    regs.forEach((v, i) => hdr.writeBigUInt64LE(v, 16 + i * 8));
    hdr.writeBigUInt64LE(BigInt(flags), 16 + 16 * 8);
    chunks.push(hdr);
    if (g.mem) chunks.push(Buffer.from(memoryImage(caseIndex)));
    plan.push({ g: gi, index: caseIndex, regs, flags });
    caseIndex++;
  }
});
writeFileSync(join(work, 'in.bin'), Buffer.concat(chunks));
execFileSync(join(work, 'runner'), [join(work, 'in.bin'), join(work, 'out.bin')], { stdio: 'inherit' });

// ---- outputs -> vectors ----------------------------------------------------------------------
const out = readFileSync(join(work, 'out.bin'));
let p = 0;
const u64 = () => { const v = out.readBigUInt64LE(p); p += 8; return v; };
const ng = Number(u64());
const hex = (v: bigint) => v.toString(16);
const vgroups = groups.map((g) => {
  const start = u64(), end = u64(), takenAt = u64();
  const bytes = out.subarray(p, p + Number(end - start));
  p += Number(end - start);
  return { name: g.name, asm: g.asm, mem: !!g.mem, addr: hex(start), bytes: Buffer.from(bytes).toString('hex'), taken: g.branch ? hex(takenAt) : null, cases: [] as unknown[] };
});
if (ng !== groups.length) throw new Error('group count mismatch');
for (const c of plan) {
  const g = groups[c.g];
  const regsOut: bigint[] = [];
  for (let i = 0; i < 16; i++) regsOut.push(u64());
  const flagsOut = Number(u64());
  const taken = Number(u64());
  const inRegs: Record<string, string> = {};
  const outRegs: Record<string, string> = {};
  REG_NAMES.forEach((name, i) => {
    if (c.regs[i] !== DEFAULT_REGS[i]) inRegs[name] = hex(c.regs[i]);
    if (regsOut[i] !== c.regs[i]) outRegs[name] = hex(regsOut[i]);
  });
  const rec: Record<string, unknown> = { in: inRegs, f: c.flags, out: outRegs, of: flagsOut };
  if (g.branch) rec.t = taken;
  if (g.mem) {
    const before = memoryImage(c.index);
    const after = out.subarray(p, p + SCRATCH_SIZE);
    p += SCRATCH_SIZE;
    const diff: number[][] = [];
    for (let i = 0; i < SCRATCH_SIZE; i++) if (after[i] !== before[i]) diff.push([i, after[i]]);
    rec.i = c.index;
    rec.m = diff;
  }
  (vgroups[c.g].cases as unknown[]).push(rec);
}
const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
const json = JSON.stringify({ host: cpuModel, cases: plan.length, groups: vgroups });
writeFileSync(join(process.cwd(), 'test', 'cpu', 'vectors.json.gz'), gzipSync(json, { level: 9 }));
console.log(`${groups.length} groups, ${plan.length} cases, ${json.length} bytes of JSON on ${cpuModel}`);
