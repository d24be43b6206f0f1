// The CPU step loop: fetch, decode (cached per linear address), execute, retire.
//
// Design
// - State lives in CpuState (state.ts); all data and fetch accesses go through `mem: LinearMemory`
//   after adding the segment base (only FS and GS have one in 64-bit mode).
// - Decoding happens once per instruction address. The cache is a map from linear page to a
//   4096-slot array of decoded entries (instruction + its handler, resolved once). Writes to code
//   must call invalidateCode(page): the memory learns which pages hold cached code through the
//   optional CodeWatchingMemory.watchCode hook (system-ops.ts).
// - The hot loop: each cached decode links to the decode that followed it (fall-through / taken),
//   so most steps need no map lookup; register-only ALU/mov/inc/dec and jcc forms get number-based
//   handlers from exec-fast.ts (no BigInt allocation). Callers that swap `mem` must call
//   invalidateCode().
// - Straight runs of cached decodes form blocks (see BlockRole) that run() executes without
//   step()'s per-instruction bookkeeping; once a block has retired COMPILE_AFTER instructions it
//   is compiled into a JavaScript function of its own (block-compiler.ts), same semantics.
// - Instruction semantics live in exec.ts as one handler per `op` (isa/table.ts). Handlers read
//   all their inputs and perform their memory writes before writing registers, so a #PF/#GP thrown
//   by the memory leaves registers untouched; step() additionally restores RFLAGS and never moves
//   RIP for a faulting instruction. REP string instructions update RCX/RSI/RDI per iteration, so a
//   fault in the middle resumes where it stopped, as on hardware.
// - System instructions (system-ops.ts) go to `system: SystemOps`, the machine layer's; without it
//   a bare-metal fallback handles the harmless ones.
// - Faults are CpuFault objects thrown inside and caught by step(), which offers them to
//   system.deliver(); undelivered faults are returned to the caller. Traps (#BP from INT3, #OF from
//   INTO) are reported with RIP already after the instruction, as the hardware pushes it.

import type { Instruction, MemOperand, Operand } from '../isa/types';
import { RIP } from '../isa/types';
import { decode } from '../isa/decode';
import { CpuFault, CpuState, SEG_FS, SEG_GS, Vec, type LinearMemory, type PortIO, type Size } from './state';
import { MASK as ALU_MASK } from './alu';
import { isSystemInstruction, type CodeWatchingMemory, type NumberAddressedMemory, type SystemOps } from './system-ops';
import { condition as conditionHolds, HANDLERS, systemFallback, type Handler } from './exec';
import { flagUse, specialize, STATUS_FLAGS } from './exec-fast';
import { compileBlock, type CompiledBlock } from './block-compiler';
import * as Step from './block-compiler';

export type StepOutcome =
  | { kind: 'ok' }
  /** HLT executed (state.halted is set); RIP is after the hlt */
  | { kind: 'halted' }
  /** an exception no SystemOps delivered; RIP is at the faulting instruction (after it for traps).
   *  `decodeError` is set when the #UD came from bytes the decoder rejected. */
  | { kind: 'fault'; fault: CpuFault; decodeError?: string }
  /** a bug in the emulator (a host exception), reported instead of thrown */
  | { kind: 'internal'; error: unknown };

// Module-local copies of hot imports (under a CommonJS transform imported bindings are getters).
const MASK = ALU_MASK;
const RIP_BASE = RIP;
const FS = SEG_FS, GS = SEG_GS;
const condition = conditionHolds;

const OK: StepOutcome = Object.freeze({ kind: 'ok' });
const HALTED: StepOutcome = Object.freeze({ kind: 'halted' });

/**
 * One cached decode: the instruction and its handler, resolved once, plus links to the decodes
 * that followed it last time (fall-through and taken branch), so the hot loop usually finds the
 * next instruction without a map lookup. A link is trusted only when its target carries the
 * current cache generation (bumped by every invalidation), the expected address, and its page was
 * fetch-checked at the current CPL (so a privilege change costs only a check per page).
 */
interface Decoded {
  insn: Instruction;
  exec: Handler;
  /** the cache page holding this decode */
  page: CodePage;
  /** address of the following instruction */
  next: bigint;
  gen: number;
  fall: Decoded | undefined;
  taken: Decoded | undefined;
  /** how the block runner may use this instruction (see BlockRole) */
  role: BlockRole;
  /** for CondJump and Jump: the branch target; for CondJump: the condition code */
  target: bigint;
  cc: number;
  /** the straight-line run of decodes starting here (see Cpu.run), valid while blockGen equals
   *  the CPU's codeGen */
  block: Decoded[] | undefined;
  /** the handler the block runner calls for each block entry: the decode's own, or (fast paths
   *  on) a variant that skips computing flags no one can observe (see buildBlock) */
  blockExec: Handler[] | undefined;
  /** per block entry, how the block runner treats it (STEP_* bits, see buildBlock) */
  blockSteps: Uint8Array | undefined;
  blockGen: number;
  /** the block stopped at an address not decoded yet: build it again once its end is reached */
  blockOpen: boolean;
  /** index in the block of its last entry when that entry can lead back into the block itself (a
   *  CondJump or Jump to an entry of the block, or an instruction falling through into one): the
   *  block then loops without leaving runBlock; else -1 */
  blockLoop: number;
  /** where the loop goes back to: the index of that entry */
  blockLoopStart: number;
  /** the loop is the fall-through of the last entry (a Straight one, or a CondJump not taken) */
  blockFallLoop: boolean;
  /** the block compiled (see block-compiler.ts) once it has retired COMPILE_AFTER instructions */
  blockCompiled: CompiledBlock | undefined;
  /** instructions runBlock retired interpreting this block since it was built */
  blockRuns: number;
  /** whether an address of BreakAddresses generation breakGen lies in the block (see run) */
  blockHasBreak: boolean;
  breakGen: number;
  /** a Straight instruction whose handler (an exec-fast.ts one, no RIP-relative operand) never
   *  reads cpu.nextRip: the block runner need not set it first */
  plain: boolean;
}

/**
 * A block is a run of cached decodes on one page that Cpu.run executes without the
 * per-instruction bookkeeping of step(): no link lookups, no RIP store, no TF/halt checks. Only
 * instructions that cannot change CPL, TF/RF, or read RIP from the state may be in one. It follows
 * direct jumps, direct calls (their handler pushes the return address) and the fall-through side of
 * conditional jumps (a taken one leaves the block); a branch back to one of its own entries, or a
 * fall-through into one, ends it as a loop (runBlock runs it again and again), so a small loop
 * becomes one block even when entered in its middle; other branches (RET, indirect ones) end it.
 */
const enum BlockRole {
  /** never in a block: system instructions, POPF (TF), REP strings (re-execute themselves), ... */
  Excluded = 0,
  /** falls through to the next instruction */
  Straight = 1,
  /** may transfer control: ends its block */
  Branch = 2,
  /** jcc to a fixed canonical target: evaluated by the block runner, leaves the block when taken */
  CondJump = 3,
  /** jmp to a fixed canonical target: the block continues there */
  Jump = 4,
  /** near call to a fixed canonical target: its handler pushes the return address, and the block
   *  continues at the target */
  Call = 5,
}

const BRANCH_OPS: ReadonlySet<string> = new Set(['jcc', 'jmp', 'call', 'ret', 'loop', 'loopcc', 'jrcxz']);
// (RDTSC reads the retired count, which the block runner adds up only when the block ends)
const EXCLUDED_OPS: ReadonlySet<string> = new Set(['popf', 'rdtsc', 'rdtscp', 'ud2']);
/** longest block (a bound on how far a run may overshoot nothing: blocks never exceed the budget) */
const MAX_BLOCK = 64;
/** a block is compiled (block-compiler.ts) once the interpreter has retired this many instructions
 *  in it: code that runs now and then (most of a syscall's path) is not worth the compile (tens of
 *  microseconds), a loop body is */
const COMPILE_AFTER = 400;

function blockRole(insn: Instruction, system: boolean): BlockRole {
  if (system || insn.rep !== null || EXCLUDED_OPS.has(insn.op)) return BlockRole.Excluded;
  if (!BRANCH_OPS.has(insn.op)) return BlockRole.Straight;
  const t = insn.operands[0];
  if ((insn.op === 'jcc' || insn.op === 'jmp' || insn.op === 'call') && insn.operands.length === 1 && t.kind === 'rel' && isCanonical(t.target)) {
    return insn.op === 'jcc' ? BlockRole.CondJump : insn.op === 'jmp' ? BlockRole.Jump : BlockRole.Call;
  }
  return BlockRole.Branch;
}

// How the block runner treats each entry (Decoded.blockSteps): the STEP_* kinds, defined with the
// block compiler that must treat them the same way (local copies: imported bindings can be getters).
const STEP_PLAIN = Step.STEP_PLAIN, STEP_SETS_NEXT = Step.STEP_SETS_NEXT, STEP_MAY_WRITE = Step.STEP_MAY_WRITE;
const STEP_COND_JUMP = Step.STEP_COND_JUMP, STEP_JUMP = Step.STEP_JUMP, STEP_CALL = Step.STEP_CALL;

/** Operations that write no memory when their first operand is a register (CMP and TEST never
 *  write one at all). */
const REGISTER_DESTINATION_OPS: ReadonlySet<string> = new Set([
  'mov', 'movzx', 'movsx', 'movsxd', 'lea', 'add', 'adc', 'sub', 'sbb', 'and', 'or', 'xor', 'inc', 'dec', 'neg', 'not', 'imul',
  'shl', 'shr', 'sar', 'rol', 'ror',
]);

function writesNoMemory(insn: Instruction): boolean {
  if (insn.op === 'cmp' || insn.op === 'test') return true;
  const d = insn.operands[0];
  return REGISTER_DESTINATION_OPS.has(insn.op) && d !== undefined && d.kind === 'reg' && d.cls === 'gpr';
}

/** Index in `list` of the decode at `address`, or -1. */
function indexOfAddress(list: Decoded[], address: bigint): number {
  for (let k = 0; k < list.length; k++) if (list[k].insn.address === address) return k;
  return -1;
}

function stepKinds(list: Decoded[]): Uint8Array {
  const kinds = new Uint8Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    if (d.role === BlockRole.CondJump) kinds[i] = STEP_COND_JUMP;
    else if (d.role === BlockRole.Jump) kinds[i] = STEP_JUMP;
    else if (d.role === BlockRole.Call) kinds[i] = STEP_CALL;
    else kinds[i] = (d.plain ? 0 : STEP_SETS_NEXT) | (writesNoMemory(d.insn) ? 0 : STEP_MAY_WRITE);
  }
  return kinds;
}

function isCanonical(a: bigint): boolean {
  return a <= 0x7fffffffffffn || (a >= 0xffff800000000000n && a <= 0xffffffffffffffffn);
}

/**
 * The decodes of one 4 KiB linear page. `tag` says under which translations and CPL the page was
 * last fetch-checked (Cpu.fetchTag then; -1: never again); `frame` is the physical frame the
 * decodes came from (-1 when the memory cannot say, see CodeWatchingMemory.fetchFrame).
 */
interface CodePage {
  slots: (Decoded | undefined)[];
  tag: number;
  frame: number;
}

const STATUS = STATUS_FLAGS;
const TF_BIT = 0x100, RF_BIT = 0x10000, TF_RF = TF_BIT | RF_BIT;

const PAGE_SHIFT = 12n;
const PAGE_OFFSET = 0xfffn;

export interface CpuOptions {
  /** seed of the deterministic RDRAND generator */
  seed?: number;
  system?: SystemOps | null;
  /** PortIO for IN/OUT in the bare-metal fallback (and for SystemOps implementations to use) */
  io?: PortIO;
  /** default true: see Cpu.fastPaths */
  fastPaths?: boolean;
  /** default true: see Cpu.compileBlocks */
  compileBlocks?: boolean;
}

const NO_IO: PortIO = { in: () => 0xffffffff, out: () => {} };

/** Addresses Cpu.run stops before (a debugger's breakpoints). `generation` differs whenever the
 *  set does, and no two sets share one: blocks cache whether they hold one of the addresses. */
export interface BreakAddresses {
  has(address: bigint): boolean;
  readonly generation: number;
}

/** Remember that after `prev`, execution went on at `rip` with decode `d` (fall-through or taken). */
function link(prev: Decoded, rip: bigint, d: Decoded): void {
  if (rip === prev.next) prev.fall = d;
  else prev.taken = d;
}

export class Cpu {
  private st: CpuState;
  /** state.gpr viewed as 32-bit halves (little-endian hosts), for the fast paths in exec-fast.ts */
  gpr32: Uint32Array;
  get state(): CpuState {
    return this.st;
  }
  set state(s: CpuState) {
    this.st = s;
    this.gpr32 = new Uint32Array(s.gpr.buffer, s.gpr.byteOffset, 32);
    this.invalidateCode();
  }
  /** use the number-based handlers of exec-fast.ts where they apply (tests turn this off to
   *  exercise the generic handlers too) */
  readonly fastPaths: boolean;
  /** compile blocks that keep running into JavaScript functions (block-compiler.ts); tests turn
   *  this off to compare against the interpreting runBlock */
  readonly compileBlocks: boolean;
  /** exchanged with compiled blocks (see CompiledBlockHost) */
  blockLast = 0;
  blockFaultIndex = 0;
  blockFaultDone = 0;
  blockFaultFlags = 0;
  /** how many blocks have been compiled (tests check the compiled path really ran) */
  compiledBlockCount = 0;
  get codeGeneration(): number {
    return this.codeGen;
  }
  private memory: LinearMemory;
  /** `mem` when it also offers number-addressed accesses (fast paths), else null */
  numMem: NumberAddressedMemory | null = null;
  get mem(): LinearMemory {
    return this.memory;
  }
  set mem(m: LinearMemory) {
    this.memory = m;
    const n = m as Partial<NumberAddressedMemory>;
    this.numMem = typeof n.readNumber === 'function' && typeof n.writeHalves === 'function' ? (m as unknown as NumberAddressedMemory) : null;
  }
  io: PortIO;
  system: SystemOps | null;
  /** Address of the next instruction; handlers that branch overwrite it. */
  nextRip = 0n;
  /** The instruction being executed (valid during step()). */
  current: Instruction | null = null;
  /**
   * Counts the times control went to the system layer (a system instruction, or a fault offered
   * for delivery): only then can segments, control registers, CPL, MSRs or devices change, so the
   * machine's undo recorder compares those only when this moved.
   */
  sysEvents = 0;
  /** Set by the machine (a device asked to stop) to end run() after the current instruction. */
  stopRequested = false;
  /** When false, step() reports faults without offering them to system.deliver(). */
  deliverFaults = true;
  /** Set by a handler before throwing a trap-class exception (INT3, INT n, INTO): the saved RIP
   *  is then the next instruction's. */
  trapping = false;

  private readonly cache = new Map<bigint, CodePage>();
  /** the CPL at which the linked decodes were last fetch-checked (see step) */
  private fetchCpl = -1;
  /** counts the translation changes (CR3 switches, INVLPG...) decodes were kept across */
  private mapEpoch = 0;
  /** the tag of a page fetch-checked at fetchCpl under the current translations (see CodePage) */
  private fetchTag = -1;
  /** set while a system instruction runs (see invalidateCode) */
  private inSystemInstruction = false;
  /** cache generation: bumped by invalidateCode(), see Decoded */
  private gen = 0;
  /** bumped by invalidateCode() only: blocks built at an older codeGen are stale */
  private codeGen = 0;
  /** the outcome of the last runBlock() */
  private blockOutcome: StepOutcome = OK;
  /** the instruction executed last (its links predict the next one) */
  private prev: Decoded | undefined = undefined;
  /** the page the last lookup hit (straight-line code stays on one page) */
  private lastPageNum = -1n;
  private lastPage: CodePage | undefined = undefined;
  private rngState: number;

  constructor(state: CpuState, mem: LinearMemory, opts: CpuOptions = {}) {
    this.st = state;
    this.gpr32 = new Uint32Array(state.gpr.buffer, state.gpr.byteOffset, 32);
    this.fastPaths = opts.fastPaths ?? true;
    this.compileBlocks = opts.compileBlocks ?? true;
    this.memory = mem;
    this.mem = mem;
    this.io = opts.io ?? NO_IO;
    this.system = opts.system ?? null;
    this.rngState = (opts.seed ?? 1) >>> 0;
  }

  /** Execute one instruction. Never throws. */
  step(): StepOutcome {
    const st = this.st;
    if (st.halted) return HALTED;
    const rip = st.rip;
    const flagsBefore = st.rflags;
    // Cached decodes were fetch-checked at one privilege level; a different CPL revalidates them
    // page by page (see lookup) before any runs.
    if (st.cpl !== this.fetchCpl) this.privilegeChanged();
    let d: Decoded | undefined;
    this.trapping = false;
    try {
      const prev = this.prev;
      if (prev !== undefined) d = this.followLink(prev, rip);
      if (d === undefined) {
        d = this.lookup(rip);
        if (d === undefined) d = this.decodeAt(rip);
        else d.gen = this.gen; // still in the cache, so still valid
        if (prev !== undefined) link(prev, rip, d);
      }
      this.prev = undefined; // a fault must not link the faulting instruction
      this.current = d.insn;
      this.nextRip = d.next;
      d.exec(this, d.insn);
      st.rip = this.nextRip;
      st.retiredCount++;
      this.prev = d;
      this.current = null;
      // TF or RF involved (rare): single-step trap and RF clearing
      if (((flagsBefore | st.rflags) & TF_RF) !== 0) return this.afterFlagged(d.insn, flagsBefore);
      return st.halted ? HALTED : OK;
    } catch (e) {
      this.current = null;
      if (!(e instanceof CpuFault)) return { kind: 'internal', error: e };
      st.rflags = flagsBefore;
      if (this.trapping) {
        // traps: the instruction completed; delivery pushes the address after it
        st.rip = this.nextRip;
        st.retiredCount++;
      } else {
        st.rip = rip;
      }
      return this.raise(e, e.detail !== undefined && e.vector === Vec.UD && d === undefined ? e.detail : undefined);
    }
  }

  /** Offer a fault to the system layer; report it when nobody delivers it. */
  private raise(e: CpuFault, decodeError?: string): StepOutcome {
    this.sysEvents++;
    try {
      if (this.deliverFaults && this.system && this.system.deliver(this, e)) return OK;
    } catch (err) {
      return { kind: 'internal', error: err };
    }
    return decodeError !== undefined ? { kind: 'fault', fault: e, decodeError } : { kind: 'fault', fault: e };
  }

  /**
   * After an instruction that completed with TF or RF set before or after it. RF is cleared by
   * every completed instruction except IRET (which may load it). The single-step #DB is a trap
   * taken when the instruction began with TF = 1 and TF is still 1 afterwards; an instruction that
   * sets TF (POPF, IRET, SYSRET) traps only after the next one, and one that clears it through
   * the flag mask on the way in (SYSCALL; INT n and exception delivery clear it too) does not
   * trap. POPF and IRET that clear TF still trap after themselves (they began with TF = 1).
   */
  private afterFlagged(insn: Instruction, flagsBefore: number): StepOutcome {
    const st = this.st;
    const op = insn.op;
    if (op !== 'iret') st.rflags &= ~RF_BIT;
    if (st.halted) return HALTED;
    if ((flagsBefore & TF_BIT) === 0) return OK;
    if ((st.rflags & TF_BIT) === 0 && op !== 'popf' && op !== 'iret') return OK;
    // The trap's saved RIP is the next instruction's, already in st.rip.
    return this.raise(new CpuFault(Vec.DB, undefined, undefined, 'single step (RFLAGS.TF)'));
  }

  /** The decode `prev` last led to at `rip`, if it is still current and fetch-checked now. */
  private followLink(prev: Decoded, rip: bigint): Decoded | undefined {
    const d = rip === prev.next ? prev.fall : prev.taken;
    return d !== undefined && d.gen === this.gen && d.insn.address === rip && d.page.tag === this.fetchTag ? d : undefined;
  }

  /** The privilege level changed since cached decodes were last used. Links stay: one is followed
   *  only into a page fetch-checked at the current CPL, and lookup() checks any other page again
   *  before its decodes run. */
  private privilegeChanged(): void {
    this.fetchCpl = this.st.cpl;
    this.fetchTag = this.mapEpoch * 4 + this.fetchCpl;
    this.lastPageNum = -1n;
    this.lastPage = undefined;
  }

  /**
   * Run until halt, an undelivered fault, `maxSteps` instructions, the end of an instruction
   * during which stopRequested was set (the caller clears it), or -- with `breakAt` -- before an
   * instruction at one of its addresses (never the first one: a run may start on a breakpoint).
   * Blocks holding such an address are stepped instruction by instruction.
   */
  run(maxSteps: number, breakAt?: BreakAddresses): { outcome: StepOutcome; steps: number; breakpoint: boolean } {
    let steps = 0;
    let outcome: StepOutcome = OK;
    while (steps < maxSteps) {
      if (breakAt !== undefined && steps > 0 && breakAt.has(this.st.rip)) return { outcome, steps, breakpoint: true };
      const head = this.blockHere();
      if (head !== undefined && head.block!.length <= maxSteps - steps && (breakAt === undefined || !this.blockHasBreak(head, breakAt))) {
        steps += this.runBlock(head, maxSteps - steps);
        outcome = this.blockOutcome;
      } else {
        outcome = this.step();
        steps++;
      }
      if (outcome !== OK || this.stopRequested) break;
    }
    return { outcome, steps, breakpoint: false };
  }

  /** Whether an instruction of `head`'s block is at one of `breakAt`'s addresses (cached). */
  private blockHasBreak(head: Decoded, breakAt: BreakAddresses): boolean {
    if (head.breakGen !== breakAt.generation) {
      head.blockHasBreak = head.block!.some((d) => breakAt.has(d.insn.address));
      head.breakGen = breakAt.generation;
    }
    return head.blockHasBreak;
  }

  /**
   * The block starting at RIP when the fast block path applies: the CPU is not halted, neither TF
   * nor RF is set, the CPL is the one the decodes were checked at, and the previous instruction's
   * link leads to a current decode (otherwise step() runs and re-establishes the links).
   */
  private blockHere(): Decoded | undefined {
    const st = this.st;
    const prev = this.prev;
    if (prev === undefined || st.halted || (st.rflags & TF_RF) !== 0 || st.cpl !== this.fetchCpl) return undefined;
    const rip = st.rip;
    let d = this.followLink(prev, rip);
    if (d === undefined) {
      // The link leads elsewhere (a RET to another call site, an indirect branch): a decode on
      // the page the last lookup hit, already checked, serves as step()'s lookup would, relinked.
      d = this.lastPage !== undefined && this.lastPageNum === rip >> PAGE_SHIFT ? this.lastPage.slots[Number(rip & PAGE_OFFSET)] : undefined;
      if (d === undefined || d.page.tag !== this.fetchTag) return undefined;
      d.gen = this.gen;
      link(prev, rip, d);
    }
    if (d.blockGen !== this.codeGen) this.buildBlock(d);
    const b = d.block;
    return b !== undefined && b.length > 0 ? d : undefined;
  }

  /**
   * Collects the block starting at `head` from decodes already in the cache (nothing is fetched or
   * decoded here, so building has no side effect on the guest): it stops before an excluded
   * instruction, after a branch, at the end of the page, or at an address not decoded yet (then the
   * block is open: built again after a run reaches its end, when step() will have decoded further).
   */
  private buildBlock(head: Decoded): void {
    const list: Decoded[] = [];
    const page = this.lastPage !== undefined && this.lastPageNum === head.insn.address >> PAGE_SHIFT ? this.lastPage : this.cache.get(head.insn.address >> PAGE_SHIFT);
    let open = false;
    let loop = -1;
    let loopStart = 0;
    let fallLoop = false;
    let d: Decoded | undefined = head;
    while (d !== undefined && list.length < MAX_BLOCK) {
      if (d.role === BlockRole.Excluded) break;
      list.push(d);
      if (d.role === BlockRole.Branch) break;
      if (d.role === BlockRole.Jump || d.role === BlockRole.CondJump || d.role === BlockRole.Call) {
        // a branch back into the block: the block ends here and loops (see runBlock)
        const k = indexOfAddress(list, d.target);
        if (k >= 0) {
          loop = list.length - 1;
          loopStart = k;
          break;
        }
      }
      const next: bigint = d.role === BlockRole.Jump || d.role === BlockRole.Call ? d.target : d.next;
      const off: bigint = next - (head.insn.address & ~PAGE_OFFSET);
      if (off >= 0x1000n || off < 0n || page === undefined || page.tag !== this.fetchTag) break;
      const n: Decoded | undefined = page.slots[Number(off)];
      if (n === undefined) {
        open = true;
        break;
      }
      if (d.role !== BlockRole.Jump && d.role !== BlockRole.Call) {
        // falling through into the block (a loop entered in its middle): loop the same way
        const k = list.indexOf(n);
        if (k >= 0) {
          loop = list.length - 1;
          loopStart = k;
          fallLoop = true;
          break;
        }
      }
      d = n;
    }
    head.block = list;
    head.blockExec = this.blockHandlers(list);
    head.blockSteps = stepKinds(list);
    head.blockGen = this.codeGen;
    head.blockCompiled = undefined;
    head.blockRuns = 0;
    head.breakGen = -1;
    head.blockOpen = open;
    head.blockLoop = loop;
    head.blockLoopStart = loopStart;
    head.blockFallLoop = fallLoop;
  }

  /**
   * The handlers for a block's entries. With fast paths on, a register-only instruction whose
   * status flags are all overwritten by a later register-only instruction of the block, before
   * anything reads them, may fault, or leaves the block, gets its flagless variant: those flags are
   * never observable (every exit from a block, a fault included, sees exact flags).
   */
  private blockHandlers(list: Decoded[]): Handler[] {
    const execs = list.map((d) => d.exec);
    if (!this.fastPaths) return execs;
    /** flags that may be observed after the entry being looked at */
    let live = STATUS;
    for (let i = list.length - 1; i >= 0; i--) {
      const d = list[i];
      if (d.role === BlockRole.Jump) continue; // no flags, cannot fault
      const use = d.role === BlockRole.Straight ? flagUse(d.insn) : undefined;
      if (use === undefined) {
        live = STATUS; // reads flags, may fault, or may leave the block
        continue;
      }
      if ((live & use.writes) === 0 && use.flagless !== undefined) execs[i] = use.flagless;
      live = (live & ~use.writes) | use.reads;
    }
    return execs;
  }

  /**
   * Executes a block (its loop again and again, see blockLoop, while `budget`, at least the block's
   * length, allows a further pass to the block's end); returns how many instructions retired and leaves
   * the outcome in blockOutcome. Same effects as step() for each instruction: RIP, RFLAGS and the retired count
   * are exact at a fault, and a code write inside the block ends it after the writing instruction.
   * The retired count is added once when the block ends (nothing inside a block reads it: RDTSC
   * is excluded, and a fault's delivery happens after the count is settled).
   */
  private runBlock(head: Decoded, budget: number): number {
    if (head.blockCompiled !== undefined) return this.runCompiled(head, head.blockCompiled, budget);
    if (head.blockRuns >= COMPILE_AFTER && this.compileBlocks) {
      head.blockRuns = -Infinity; // one try: where code generation is refused, keep interpreting
      head.blockCompiled = compileBlock({
        entries: head.block!, execs: head.blockExec!, kinds: head.blockSteps!,
        loop: head.blockLoop, loopStart: head.blockLoopStart, fallLoop: head.blockFallLoop,
      });
      if (head.blockCompiled !== undefined) {
        this.compiledBlockCount++;
        return this.runCompiled(head, head.blockCompiled, budget);
      }
    }
    const block = head.block!;
    const execs = head.blockExec!;
    const steps = head.blockSteps!;
    const loop = head.blockLoop;
    const loopStart = head.blockLoopStart;
    /** instructions in one pass of the loop */
    const loopLength = loop + 1 - loopStart;
    const fallLoop = head.blockFallLoop;
    const st = this.st;
    const codeGen = this.codeGen;
    this.trapping = false;
    this.prev = undefined;
    const n = block.length;
    let i = 0;
    /** instructions retired by the passes before the current one */
    let done = 0;
    let flagsBefore = 0;
    let d: Decoded = block[0];
    try {
      // (going back to loopStart keeps done + i the count retired; a further pass may run on to
      // the block's end, so it starts only when done + n still fits the budget afterwards)
      passes: for (;;) {
        while (i < n) {
          d = block[i];
          const kind = steps[i];
          flagsBefore = st.rflags;
          if (kind === STEP_PLAIN) {
            // the commonest entry: a fast handler that neither reads nextRip nor writes memory
            execs[i](this, d.insn);
            i++;
            continue;
          }
          if (kind === STEP_COND_JUMP) {
            i++;
            if (condition(flagsBefore, d.cc)) {
              this.nextRip = d.target;
              if (i - 1 === loop && !fallLoop && done + loopLength + n <= budget) {
                done += loopLength;
                i = loopStart;
                continue;
              }
              break passes;
            }
            this.nextRip = d.next;
            continue;
          }
          if (kind === STEP_JUMP) {
            i++;
            this.nextRip = d.target;
            if (i - 1 === loop && done + loopLength + n <= budget) {
              done += loopLength;
              i = loopStart;
            }
            continue;
          }
          if (kind === STEP_CALL) {
            this.nextRip = d.next;
            execs[i](this, d.insn); // pushes the return address, sets nextRip to the target
            i++;
            if (this.codeGen !== codeGen) break passes;
            if (i - 1 === loop && done + loopLength + n <= budget) {
              done += loopLength;
              i = loopStart;
            }
            continue;
          }
          if ((kind & STEP_SETS_NEXT) !== 0) this.nextRip = d.next;
          execs[i](this, d.insn);
          i++;
          if ((kind & STEP_MAY_WRITE) !== 0 && this.codeGen !== codeGen) break passes; // the block's own code may have changed
        }
        // the last entry fell through into the block's loop
        if (fallLoop && done + loopLength + n <= budget) {
          done += loopLength;
          i = loopStart;
          continue;
        }
        break;
      }
      // a plain instruction left nextRip unset
      if (d.plain) this.nextRip = d.next;
    } catch (e) {
      const retired = this.blockThrew(e, d, done + i, flagsBefore);
      head.blockRuns += retired;
      return retired;
    }
    st.retiredCount += done + i;
    head.blockRuns += done + i;
    st.rip = this.nextRip;
    this.prev = d;
    this.blockOutcome = OK;
    if (i === n && head.blockOpen) head.blockGen = -1;
    return done + i;
  }

  /**
   * Block entry `d` threw `e` with `retired` instructions of the block retired before it and
   * RFLAGS `flagsBefore` when it began: settle RIP, RFLAGS and the retired count as step() does
   * (a trap's instruction completed; a fault's did not) and offer the fault; returns the count.
   */
  private blockThrew(e: unknown, d: Decoded, retired: number, flagsBefore: number): number {
    const st = this.st;
    this.current = null;
    if (!(e instanceof CpuFault)) {
      st.rip = d.insn.address;
      st.retiredCount += retired;
      this.blockOutcome = { kind: 'internal', error: e };
      return retired;
    }
    st.rflags = flagsBefore;
    if (this.trapping) {
      st.rip = this.nextRip;
      retired++;
    } else {
      st.rip = d.insn.address;
    }
    st.retiredCount += retired;
    this.blockOutcome = this.raise(e);
    return retired;
  }

  /** runBlock for a compiled block: the same bookkeeping around the compiled function's run. */
  private runCompiled(head: Decoded, compiled: CompiledBlock, budget: number): number {
    const st = this.st;
    const block = head.block!;
    this.trapping = false;
    this.prev = undefined;
    let retired: number;
    try {
      retired = compiled(this, st, budget);
    } catch (e) {
      return this.blockThrew(e, block[this.blockFaultIndex], this.blockFaultDone + this.blockFaultIndex, this.blockFaultFlags);
    }
    st.retiredCount += retired;
    st.rip = this.nextRip;
    this.prev = block[this.blockLast];
    this.blockOutcome = OK;
    if (this.blockLast === block.length - 1 && head.blockOpen) head.blockGen = -1;
    return retired;
  }

  // ---- decode cache ---------------------------------------------------------------------------

  private lookup(rip: bigint): Decoded | undefined {
    const pageNum = rip >> PAGE_SHIFT;
    let page = this.lastPage;
    if (pageNum !== this.lastPageNum) {
      page = this.cache.get(pageNum);
      if (page === undefined) return undefined;
      if (page.tag !== this.fetchTag && !this.revalidate(page, pageNum, rip)) return undefined;
      this.lastPageNum = pageNum;
      this.lastPage = page;
    }
    return page!.slots[Number(rip & PAGE_OFFSET)];
  }

  /**
   * Fetch-check a cached page at the current CPL (U/S, NX, SMEP live in the translation); throws
   * the fetch's #PF at `rip`. After translations changed (mapEpoch), the page must still come from
   * the frame its decodes were made from, else it is dropped (returns false). Decodes that spill
   * into the next page are dropped: decodeAt() checks both pages when it decodes them again (they
   * are never in a block, see decodeAt).
   */
  private revalidate(page: CodePage, pageNum: bigint, rip: bigint): boolean {
    const watcher = this.mem as Partial<CodeWatchingMemory>;
    if (watcher.fetchFrame !== undefined) {
      const frame = watcher.fetchFrame(rip);
      if (frame !== page.frame) {
        page.tag = -1;
        this.cache.delete(pageNum);
        return false;
      }
    } else {
      this.mem.read(rip, 1, 'fetch');
    }
    const slots = page.slots;
    for (let off = 4096 - 15; off < 4096; off++) {
      const d = slots[off];
      if (d !== undefined && off + d.insn.length > 4096) {
        slots[off] = undefined;
        d.gen = -1; // no link may lead to it any more
      }
    }
    page.tag = this.fetchTag;
    return true;
  }

  private decodeAt(rip: bigint): Decoded {
    const bytes = this.mem.fetch(rip, 15);
    const r = decode(bytes, 0, rip);
    if ('error' in r) {
      // A decode that ran off the fetched bytes at an unmapped page is a #PF on fetch: let the MMU
      // raise it for the first missing byte.
      if (bytes.length < 15 && r.length >= bytes.length) this.mem.read(rip + BigInt(bytes.length), 1, 'fetch');
      throw new CpuFault(Vec.UD, undefined, undefined, r.error);
    }
    const insn = r;
    let exec: Handler | undefined;
    const system = isSystemInstruction(insn);
    if (system) exec = systemDispatch;
    else exec = (this.fastPaths ? specialize(insn, nextAddress(rip, insn.length)) : undefined) ?? HANDLERS[insn.op];
    if (exec === undefined) exec = unimplemented;
    const length = BigInt(insn.length);
    const pageNum = rip >> PAGE_SHIFT;
    let page = this.cache.get(pageNum);
    const watcher = this.mem as Partial<CodeWatchingMemory>;
    if (page === undefined || page.tag !== this.fetchTag) {
      // (a page checked at another CPL is replaced: this fetch just checked it at this one; the
      // old page's decodes must never be followed into again)
      if (page !== undefined) {
        page.tag = -1;
        this.lastPageNum = -1n;
        this.lastPage = undefined;
      }
      const frame = watcher.fetchFrame !== undefined ? watcher.fetchFrame(rip) : -1;
      page = { slots: new Array<Decoded | undefined>(4096), tag: this.fetchTag, frame };
      this.cache.set(pageNum, page);
      watcher.watchCode?.(pageNum << PAGE_SHIFT);
    }
    const d: Decoded = {
      insn, exec, page, next: (rip + length) & MASK[8], gen: this.gen, fall: undefined, taken: undefined,
      role: blockRole(insn, system), target: 0n, cc: insn.cond ?? 0, block: undefined, blockExec: undefined, blockSteps: undefined, blockCompiled: undefined, blockRuns: 0, blockHasBreak: false, breakGen: -1, blockGen: -1, blockOpen: false, blockLoop: -1, blockLoopStart: 0, blockFallLoop: false,
      plain: false,
    };
    d.plain = d.role === BlockRole.Straight && !system && exec !== HANDLERS[insn.op] && !insn.operands.some((o) => o.kind === 'mem' && o.base === RIP_BASE);
    // an instruction that spills into the next page stays out of blocks: revalidate() may drop it
    if ((rip & PAGE_OFFSET) + length > 0x1000n) d.role = BlockRole.Excluded;
    if (d.role === BlockRole.CondJump || d.role === BlockRole.Jump || d.role === BlockRole.Call) d.target = (insn.operands[0] as { target: bigint }).target;
    // an instruction may spill into the next page: watch it too
    if ((rip & PAGE_OFFSET) + length > 0x1000n) watcher.watchCode?.((pageNum + 1n) << PAGE_SHIFT);
    page.slots[Number(rip & PAGE_OFFSET)] = d;
    return d;
  }

  /**
   * Forget cached decodes. With a linear address, drops the 4 KiB page holding it (and the page
   * before, whose last instructions may extend into it); without, drops everything (CR3 switch).
   */
  invalidateCode(linear?: bigint): void {
    if (linear === undefined && this.inSystemInstruction && (this.mem as Partial<CodeWatchingMemory>).fetchFrame !== undefined) {
      // A system instruction (MOV CR3/CR0/CR4, INVLPG, INVPCID) changed translations only: memory
      // writes reach the cache page by page through the code watch. Keep the decodes; every page
      // is fetch-checked again, and its frame compared, before they run (revalidate()).
      this.mapEpoch++;
      this.fetchTag = this.mapEpoch * 4 + this.fetchCpl;
      this.lastPageNum = -1n;
      this.lastPage = undefined;
      return;
    }
    this.codeGen++;
    this.lastPageNum = -1n;
    this.lastPage = undefined;
    this.gen++;
    this.prev = undefined;
    if (linear === undefined) {
      this.cache.clear();
      return;
    }
    const pageNum = linear >> PAGE_SHIFT;
    this.cache.delete(pageNum);
    this.cache.delete(pageNum - 1n);
  }

  /** Runs a system instruction in the system layer (see invalidateCode for why it is marked). */
  runSystemInstruction(system: SystemOps, insn: Instruction): void {
    this.inSystemInstruction = true;
    try {
      system.exec(this, insn);
    } finally {
      this.inSystemInstruction = false;
    }
  }

  // ---- registers --------------------------------------------------------------------------------

  getReg(num: number, size: Size, high8 = false): bigint {
    const v = this.state.gpr[num];
    switch (size) {
      case 8: return v;
      case 4: return v & 0xffffffffn;
      case 2: return v & 0xffffn;
      default: return high8 ? (v >> 8n) & 0xffn : v & 0xffn;
    }
  }

  /** Write a register with x86-64 merge rules: 32-bit writes zero-extend, 8/16-bit ones merge. */
  setReg(num: number, size: Size, value: bigint, high8 = false): void {
    const g = this.state.gpr;
    switch (size) {
      case 8: g[num] = value; break;
      case 4: g[num] = value & 0xffffffffn; break;
      case 2: g[num] = (g[num] & ~0xffffn) | (value & 0xffffn); break;
      default:
        if (high8) g[num] = (g[num] & ~0xff00n) | ((value & 0xffn) << 8n);
        else g[num] = (g[num] & ~0xffn) | (value & 0xffn);
    }
  }

  // ---- operands ---------------------------------------------------------------------------------

  /**
   * Linear address of a memory operand: base + index*scale + disp, truncated to the address size,
   * plus the FS/GS base; #GP(0) (or #SS(0) for RSP/RBP-based) when not canonical.
   */
  effectiveAddress(m: MemOperand, withSegment = true): bigint {
    let a = m.disp;
    if (m.base !== null) a += m.base === RIP_BASE ? this.nextRip : this.state.gpr[m.base];
    if (m.index !== null) a += this.state.gpr[m.index] * BigInt(m.scale);
    a &= m.addrSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    if (!withSegment) return a;
    if (m.seg === FS || m.seg === GS) a = (a + this.state.seg[m.seg].base) & 0xffffffffffffffffn;
    if (a > 0x7fffffffffffn && a < 0xffff800000000000n) {
      const stack = m.base === 4 || m.base === 5;
      throw new CpuFault(stack ? Vec.SS : Vec.GP, 0, undefined, `non-canonical address 0x${a.toString(16)}`);
    }
    return a;
  }

  /** Value of an operand, at the operand's own size (immediates as the decoder extended them). */
  readOperand(o: Operand): bigint {
    switch (o.kind) {
      case 'reg':
        if (o.cls === 'gpr') return this.getReg(o.num, o.size, o.high8);
        if (o.cls === 'seg') return BigInt(this.state.seg[o.num].sel);
        throw new CpuFault(Vec.UD, undefined, undefined, `register class ${o.cls} outside the system layer`);
      case 'mem':
        return this.mem.read(this.effectiveAddress(o), o.size as Size, 'read');
      case 'imm':
        return o.value;
      case 'rel':
        return o.target;
    }
  }

  writeOperand(o: Operand, value: bigint): void {
    if (o.kind === 'reg') {
      if (o.cls !== 'gpr') throw new CpuFault(Vec.UD, undefined, undefined, `write to ${o.cls} register outside the system layer`);
      this.setReg(o.num, o.size, value, o.high8);
    } else if (o.kind === 'mem') {
      this.mem.write(this.effectiveAddress(o), o.size as Size, value & MASK[o.size]);
    } else {
      throw new CpuFault(Vec.UD, undefined, undefined, 'write to an immediate operand');
    }
  }

  /** Size in bytes of an operand (for immediates and rel, the instruction's operand size). */
  operandSize(o: Operand, insn: Instruction): Size {
    if (o.kind === 'reg') return o.size;
    if (o.kind === 'mem') return (o.size || insn.opSize) as Size;
    if (o.kind === 'imm') return o.size;
    return 8;
  }

  // ---- stack ----------------------------------------------------------------------------------

  /** Push: the write happens before RSP changes, so a fault leaves RSP intact. */
  push(value: bigint, size: Size = 8): void {
    const sp = (this.state.gpr[4] - BigInt(size)) & MASK[8];
    this.mem.write(this.stackAddress(sp), size, value & MASK[size]);
    this.state.gpr[4] = sp;
  }

  /** Read the top of the stack without popping (callers update RSP after their other writes). */
  peek(size: Size = 8, offset = 0n): bigint {
    return this.mem.read(this.stackAddress((this.state.gpr[4] + offset) & MASK[8]), size, 'read');
  }

  stackAddress(a: bigint): bigint {
    if (a > 0x7fffffffffffn && a < 0xffff800000000000n) throw new CpuFault(Vec.SS, 0, undefined, `non-canonical stack address 0x${a.toString(16)}`);
    return a;
  }

  // ---- deterministic randomness -------------------------------------------------------------

  /** Next 32 random bits (a SplitMix32-style generator seeded from the constructor). */
  random32(): number {
    this.rngState = (this.rngState + 0x9e3779b9) >>> 0;
    let z = this.rngState;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
}

/** System instructions go to the machine's SystemOps when plugged in, else the bare-metal fallback. */
function systemDispatch(cpu: Cpu, insn: Instruction): void {
  cpu.sysEvents++;
  if (cpu.system) cpu.runSystemInstruction(cpu.system, insn);
  else systemFallback(cpu, insn);
}

/** Address of the instruction after one of `length` bytes at `rip`. */
function nextAddress(rip: bigint, length: number): bigint {
  return (rip + BigInt(length)) & MASK[8];
}

function unimplemented(_cpu: Cpu, insn: Instruction): void {
  throw new CpuFault(Vec.UD, undefined, undefined, `instruction '${insn.op}' is not implemented`);
}

