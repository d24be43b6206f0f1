// Compiles a hot block (see Cpu.buildBlock) into one JavaScript function: the same steps
// Cpu.runBlock takes for that block, with the per-entry dispatch resolved at compile time.
//
// Why it is faster: runBlock calls every entry's handler through one call site (`execs[i](...)`),
// which sees dozens of different closures, so V8 can inline none of them and every instruction
// costs an indirect call plus the dispatch on its step kind. In a compiled block each entry has a
// call site of its own that only ever sees one handler, so V8's optimising compiler inlines the
// handler, and the step kinds, loop bounds, jump targets and condition codes are constants in the
// code. Semantics are runBlock's, entry for entry: the same RIP / nextRip / RFLAGS / retired count
// at every exit and at a fault (test/machine/compiled-blocks.test.ts runs guest programs both
// ways, and natively, and compares).
//
// The generated source uses nothing from the guest but numbers we format ourselves (indices,
// condition masks, counts), so no guest data can become code. Where code generation is not allowed
// (a Content-Security-Policy without 'unsafe-eval'), compileBlock returns undefined and the CPU
// keeps interpreting blocks with runBlock.

import type { Instruction } from '../isa/types';
import type { Handler } from './exec';

/** What a compiled block needs of each entry (a view of Cpu's Decoded). */
export interface BlockEntry {
  insn: Instruction;
  next: bigint;
  target: bigint;
  cc: number;
  plain: boolean;
}

/** The shape of a block as Cpu.buildBlock left it. */
export interface BlockShape {
  entries: BlockEntry[];
  execs: Handler[];
  /** per entry, the runner's STEP_* kind */
  kinds: Uint8Array;
  loop: number;
  loopStart: number;
  fallLoop: boolean;
}

/** What the compiled function reports through the CPU (fields Cpu owns). */
export interface CompiledBlockHost {
  nextRip: bigint;
  /** the CPU's code generation (a code write bumps it) */
  readonly codeGeneration: number;
  /** set by a compiled block: index of the last entry it executed (normal exit) */
  blockLast: number;
  /** set by a compiled block when an entry throws: its index, the passes done, RFLAGS before it */
  blockFaultIndex: number;
  blockFaultDone: number;
  blockFaultFlags: number;
}

/**
 * A compiled block: runs from entry 0, returns the number of instructions retired (like runBlock's
 * `done + i`), and leaves blockLast and nextRip as runBlock leaves `d` and nextRip. On a throw it
 * records blockFault* first.
 */
export type CompiledBlock = (cpu: CompiledBlockHost, st: { rflags: number }, budget: number) => number;

// How a block runner treats each entry (Cpu.runBlock and compiled blocks alike).
/** a plain instruction (a fast handler that never reads cpu.nextRip) that cannot write memory,
 *  so cannot change code */
export const STEP_PLAIN = 0;
/** the runner sets cpu.nextRip before calling the handler */
export const STEP_SETS_NEXT = 1;
/** the handler may write memory: the runner checks for a code change after it */
export const STEP_MAY_WRITE = 2;
/** a jcc: the runner evaluates it, and leaves the block when it is taken (unless it loops) */
export const STEP_COND_JUMP = 4;
/** a jmp: the block goes on at the target */
export const STEP_JUMP = 8;
/** a Call: the handler runs (nextRip set first), then the block goes on at the target */
export const STEP_CALL = 16;

// RFLAGS bits the conditions test
const CF = 0x1, PF = 0x4, ZF = 0x40, SF = 0x80, OF = 0x800;

/** A JS expression over `fb` (RFLAGS before the jcc) that is true when condition `cc` holds
 *  (SDM Vol. 1, B.1: the pairs are the condition and its negation). */
export function conditionSource(cc: number): string {
  const sfne = `(((fb & ${SF}) === 0) !== ((fb & ${OF}) === 0))`;
  let r: string;
  switch (cc >> 1) {
    case 0: r = `(fb & ${OF}) !== 0`; break; // o
    case 1: r = `(fb & ${CF}) !== 0`; break; // b / c
    case 2: r = `(fb & ${ZF}) !== 0`; break; // e / z
    case 3: r = `(fb & ${CF | ZF}) !== 0`; break; // be
    case 4: r = `(fb & ${SF}) !== 0`; break; // s
    case 5: r = `(fb & ${PF}) !== 0`; break; // p
    case 6: r = sfne; break; // l
    default: r = `((fb & ${ZF}) !== 0 || ${sfne})`; break; // le
  }
  return cc & 1 ? `!(${r})` : `(${r})`;
}

let codeGenerationAllowed = true;
/** numbers the compiled blocks (see blockSource) */
let serial = 0;

/** Compile `shape`; undefined where the host forbids generating code (the caller interprets). */
export function compileBlock(shape: BlockShape): CompiledBlock | undefined {
  if (!codeGenerationAllowed) return undefined;
  const source = blockSource(shape, ++serial);
  try {
    const make = new Function('H', 'E', source) as (h: Handler[], e: BlockEntry[]) => CompiledBlock;
    return make(shape.execs, shape.entries);
  } catch (e) {
    // EvalError: the host's policy forbids code generation, so stop trying. Anything else would be
    // a bug here; the block is interpreted instead (never an exception out of the CPU).
    if (e instanceof EvalError) codeGenerationAllowed = false;
    return undefined;
  }
}

/** The body of the factory: constants for each entry, then the block function. Exported so a
 *  block's code can be printed when debugging the emulator (it reads as runBlock specialised). */
export function blockSource(shape: BlockShape, id = 0): string {
  const { entries, kinds, loop, loopStart, fallLoop } = shape;
  const n = entries.length;
  const loopLength = loop + 1 - loopStart;
  const lines: string[] = [];
  const out = (s: string) => lines.push(s);
  // Blocks of the same shape have the same source, and V8 shares what it learns (which function
  // each call site calls) between functions made from one source text: the call sites would see
  // every block's handlers and inline none. A number of its own makes each block's source unique.
  out(`// compiled block ${id}`);
  for (let k = 0; k < n; k++) out(`const h${k} = H[${k}], i${k} = E[${k}].insn, x${k} = E[${k}].next, t${k} = E[${k}].target;`);
  out(`return function block(cpu, st, budget) {`);
  out(`  const codeGen = cpu.codeGeneration;`);
  out(`  let i = 0, done = 0, fb = 0;`);
  out(`  try {`);
  out(`    passes: for (;;) {`);
  out(`      switch (i) {`);
  /** leave the block after entry k (i = k + 1), as runBlock's `break passes` */
  const leave = (k: number) => `{ i = ${k + 1}; break passes; }`;
  /** the loop-back test runBlock makes after entry k when k is the loop's last entry */
  const again = `done + ${loopLength + n} <= budget`;
  for (let k = 0; k < n; k++) {
    const kind = kinds[k];
    out(`      case ${k}:`);
    out(`        i = ${k};`);
    if (kind === STEP_COND_JUMP) {
      out(`        fb = st.rflags;`);
      out(`        if (${conditionSource(entries[k].cc)}) {`);
      out(`          cpu.nextRip = t${k};`);
      if (k === loop && !fallLoop) out(`          if (${again}) { done += ${loopLength}; i = ${loopStart}; continue passes; }`);
      out(`          ${leave(k)}`);
      out(`        }`);
      out(`        cpu.nextRip = x${k};`);
      continue;
    }
    if (kind === STEP_JUMP) {
      out(`        cpu.nextRip = t${k};`);
      if (k === loop) out(`        if (${again}) { done += ${loopLength}; i = ${loopStart}; continue passes; }`);
      continue;
    }
    out(`        fb = st.rflags;`);
    if (kind === STEP_CALL) {
      out(`        cpu.nextRip = x${k};`);
      out(`        h${k}(cpu, i${k});`);
      out(`        if (cpu.codeGeneration !== codeGen) ${leave(k)}`);
      if (k === loop) out(`        if (${again}) { done += ${loopLength}; i = ${loopStart}; continue passes; }`);
      continue;
    }
    if ((kind & STEP_SETS_NEXT) !== 0) out(`        cpu.nextRip = x${k};`);
    out(`        h${k}(cpu, i${k});`);
    if ((kind & STEP_MAY_WRITE) !== 0) {
      // runBlock leaves after a code change with d = this entry; a plain one left nextRip unset
      out(`        if (cpu.codeGeneration !== codeGen) { ${entries[k].plain ? `cpu.nextRip = x${k}; ` : ''}${leave(k)} }`);
    }
  }
  out(`      }`);
  // every entry ran: the last one fell through (into the loop, or out of the block)
  if (fallLoop) out(`      if (${again}) { done += ${loopLength}; i = ${loopStart}; continue passes; }`);
  if (n > 0 && entries[n - 1].plain) out(`      cpu.nextRip = x${n - 1};`);
  out(`      i = ${n};`);
  out(`      break;`);
  out(`    }`);
  out(`  } catch (e) {`);
  out(`    cpu.blockFaultIndex = i; cpu.blockFaultDone = done; cpu.blockFaultFlags = fb;`);
  out(`    throw e;`);
  out(`  }`);
  out(`  cpu.blockLast = i - 1;`);
  out(`  return done + i;`);
  out(`};`);
  return lines.join('\n');
}
