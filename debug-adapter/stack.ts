// Call stacks without frame pointers. Hand-written assembly keeps no RBP chain, so the walker
// scans the stack for return addresses: 8-byte values that point into code right after a `call`
// instruction (the bytes before the candidate are decoded to make sure). The ring boundary comes
// from where the kernel was entered (SYSCALL's RCX/RSP or the exception frame, else pt_regs), a
// kernel exception frame (RIP, CS=0x10, RFLAGS) becomes its own labelled frame, and a user signal
// frame is followed through the saved sigcontext.

import type { Instruction } from '../emulator/isa/types';
import { KERNEL_SPACE, Target } from './target';

export interface WalkedFrame {
  kind: 'frame' | 'label';
  ring: 0 | 3;
  /** the address shown: the current instruction, or for callers the `call` instruction */
  pc: bigint;
  /** for callers: where execution resumes, and the stack slot that holds it */
  returnAddress?: bigint;
  slot?: bigint;
  /** label frames: the text */
  label?: string;
  /** the function's name when the caller's `call` says better than the nearest label does */
  func?: string;
}

const KERNEL_CS = 0x10n;
const USER_STACK_TOP = 0x7ffffffff000n;
const MAX_SCAN_SLOTS = 4096;
const MAX_FRAMES = 64;

/** The `call` instruction that ends right before `ret`, if there is one. */
export function callBefore(t: Target, ret: bigint): Instruction | undefined {
  for (const len of [5, 2, 3, 6, 7, 4]) {
    const insn = t.decodeAt(ret - BigInt(len));
    if (insn && insn.op === 'call' && insn.length === len) return insn;
  }
  return undefined;
}

/** Does a call to `target` arrive at `calleeStart`, directly or through one tail jump? */
function reaches(t: Target, target: bigint, calleeStart: bigint): boolean {
  if (target === calleeStart) return true;
  const fn = t.machine.symbolAt(target);
  if (!fn || fn.offset !== 0 || fn.symbol.size <= 0) return false;
  // Hand-written code tail-calls with `jmp` (vfs_read -> vfs_rw_checks_then_read): look for one.
  const end = fn.symbol.address + BigInt(fn.symbol.size);
  for (let a = target, n = 0; a < end && n < 256; n++) {
    const insn = t.decodeAt(a);
    if (!insn) return false;
    const op = insn.operands[0];
    if (insn.op === 'jmp' && op?.kind === 'rel' && op.target === calleeStart) return true;
    a += BigInt(insn.length);
  }
  return false;
}

/** The start of the function that contains pc, when a sized symbol says so. */
function functionStart(t: Target, pc: bigint): bigint | undefined {
  const sym = t.machine.symbolAt(pc);
  return sym && sym.symbol.size > 0 ? sym.symbol.address : undefined;
}

/**
 * Could `call` have created the frame `callee`? A direct call must reach the callee's function
 * (a sized symbol), or at least lie below its pc (an unsized label in hand-written code). This
 * drops stale return addresses left in stack gaps (the random kstack offset, old locals).
 */
function plausibleCaller(t: Target, call: Instruction, callee: WalkedFrame | undefined): boolean {
  const op = call.operands[0];
  if (!callee || !op || op.kind !== 'rel') return true; // indirect calls are checked by the caller
  const start = functionStart(t, callee.pc);
  if (start !== undefined) return reaches(t, op.target, start);
  return op.target <= callee.pc;
}

/** Is there, further up the stack, a direct call that reaches the callee? Then an indirect-call
 *  return address below it is stale. */
function directCallerAbove(t: Target, ring: 0 | 3, from: bigint, limit: bigint, callee: WalkedFrame): boolean {
  const start = functionStart(t, callee.pc);
  if (start === undefined) return false;
  for (let slot = from, n = 0; slot + 8n <= limit && n < 512; slot += 8n, n++) {
    const v = t.readU64(slot);
    if (v === undefined) return false;
    if (!inRing(v, ring) || !t.machine.symbolAt(v)) continue;
    const call = callBefore(t, v);
    const op = call?.operands[0];
    if (call && op?.kind === 'rel' && reaches(t, op.target, start)) return true;
  }
  return false;
}

function inRing(addr: bigint, ring: 0 | 3): boolean {
  return ring === 0 ? addr >= KERNEL_SPACE : addr < KERNEL_SPACE;
}

/** Scan [sp, limit) for return addresses in `ring`'s code, appending caller frames. */
function scan(t: Target, ring: 0 | 3, sp: bigint, limit: bigint, out: WalkedFrame[]): void {
  let slots = 0;
  for (let slot = sp; slot + 8n <= limit && slots < MAX_SCAN_SLOTS && out.length < MAX_FRAMES; slot += 8n, slots++) {
    const v = t.readU64(slot);
    if (v === undefined) return;
    if (!inRing(v, ring) || !t.machine.symbolAt(v)) continue;
    // Kernel exception frame: RIP, CS, RFLAGS (bit 1 always set) pushed by delivery in ring 0.
    if (ring === 0 && t.readU64(slot + 8n) === KERNEL_CS) {
      const fl = t.readU64(slot + 16n);
      if (fl !== undefined && (fl & 2n) && fl < 0x400000n) {
        out.push({ kind: 'label', ring: 0, pc: v, label: '── exception in ring 0 ──' });
        out.push({ kind: 'frame', ring: 0, pc: v, slot });
        slot += 32n; // skip the rest of the hardware frame (CS RFLAGS RSP SS)
        continue;
      }
    }
    // User signal frame: the handler returns into a restorer that calls rt_sigreturn (15).
    if (ring === 3 && isSigreturnTrampoline(t, v)) {
      const rip = t.readU64(slot + 176n), rsp = t.readU64(slot + 168n);
      if (rip !== undefined && rsp !== undefined && rip < KERNEL_SPACE) {
        out.push({ kind: 'label', ring: 3, pc: rip, label: '── signal handler called ──' });
        out.push({ kind: 'frame', ring: 3, pc: rip, slot });
        scan(t, 3, rsp, USER_STACK_TOP, out);
        return;
      }
    }
    const call = callBefore(t, v);
    if (!call) continue;
    const last = out[out.length - 1];
    const callee = last && last.kind === 'frame' ? last : undefined;
    if (!plausibleCaller(t, call, callee)) continue;
    if (callee && call.operands[0]?.kind !== 'rel' && directCallerAbove(t, ring, slot + 8n, limit, callee)) continue;
    out.push({ kind: 'frame', ring, pc: call.address, returnAddress: v, slot });
  }
}

function isSigreturnTrampoline(t: Target, addr: bigint): boolean {
  const s = t.machine.symbolAt(addr);
  if (!s || s.offset !== 0) return false;
  const insn = t.decodeAt(addr);
  if (!insn || insn.op !== 'mov' || insn.operands.length !== 2) return false;
  const [dst, src] = insn.operands;
  if (dst.kind !== 'reg' || dst.num !== 0 || src.kind !== 'imm' || src.value !== 15n) return false;
  const next = t.decodeAt(addr + BigInt(insn.length));
  return next?.op === 'syscall';
}

/**
 * Name frames after the function their caller called. Hand-written assembly often has no
 * .type/.size, so the nearest label (read_loop) would hide the function (main) it belongs to.
 */
function nameFromCallers(t: Target, frames: WalkedFrame[]): void {
  for (let k = 0; k + 1 < frames.length; k++) {
    const f = frames[k], caller = frames[k + 1];
    if (f.kind !== 'frame' || caller.kind !== 'frame' || caller.ring !== f.ring || caller.returnAddress === undefined) continue;
    const here = t.machine.symbolAt(f.pc);
    if (here && here.symbol.size > 0) continue; // a sized symbol covers pc: trust it
    const call = t.decodeAt(caller.pc);
    const op = call?.operands[0];
    if (!op || op.kind !== 'rel' || op.target > f.pc) continue;
    const callee = t.machine.symbolAt(op.target);
    if (callee && callee.offset === 0) f.func = callee.symbol.name;
  }
}

/** Frames for the current stop, innermost first. */
export function walkStack(t: Target): WalkedFrame[] {
  const out = walkFrames(t);
  nameFromCallers(t, out);
  return out;
}

function walkFrames(t: Target): WalkedFrame[] {
  const cpu = t.cpu;
  const rsp = cpu.gpr[4];
  const out: WalkedFrame[] = [];
  if (cpu.cpl === 0) {
    out.push({ kind: 'frame', ring: 0, pc: cpu.rip });
    // Only a real kernel stack is scanned: right after SYSCALL, RSP still holds the user's stack.
    if (rsp >= KERNEL_SPACE) {
      const pt = t.ptRegs();
      const onTaskStack = pt !== undefined && rsp <= pt + 168n && rsp + 0x8000n > pt;
      const limit = onTaskStack ? pt! : rsp + 8n * 64n;
      scan(t, 0, rsp, limit, out);
    }
    const b = t.boundary();
    if (b) {
      const how = b.how === 'syscall' ? 'SYSCALL' : b.how === 'interrupt' ? 'interrupt' : 'exception';
      out.push({ kind: 'label', ring: 3, pc: b.userRip, label: `── ${how}: ring 3 → ring 0 ──` });
      // For a syscall the user frame shows the `syscall` instruction itself (2 bytes: 0f 05).
      const sysInsn = b.userRip - 2n;
      const shown = b.how === 'syscall' && t.decodeAt(sysInsn)?.op === 'syscall' ? sysInsn : b.userRip;
      out.push({ kind: 'frame', ring: 3, pc: shown });
      scan(t, 3, b.userRsp, USER_STACK_TOP, out);
    }
  } else {
    out.push({ kind: 'frame', ring: 3, pc: cpu.rip });
    scan(t, 3, rsp, USER_STACK_TOP, out);
  }
  return out;
}
