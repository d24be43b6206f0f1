// Running the machine for the debugger: in slices of a few thousand instructions with a macrotask
// turn between them (so pause and disconnect are answered within milliseconds even when the guest
// loops forever), checking breakpoints, data breakpoints and catch points before each instruction.

import { macrotask } from './yield';
import type { StopReason } from '../emulator/machine/api';
import { VEC_NAMES } from '../emulator/cpu/state';
import type { BreakpointManager } from './breakpoints';
import type { EvalContext } from './expressions';
import type { Target } from './target';
import { SyscallProfiler } from './profile';

export const SLICE = 20_000;

export interface ExceptionDetails {
  exceptionId: string;
  description: string;
  breakMode: 'always' | 'unhandled' | 'userUnhandled';
  details?: { message?: string; typeName?: string; stackTrace?: string };
}

export type Outcome =
  | { kind: 'goal' }
  | { kind: 'stop'; reason: string; description: string; hitBreakpointIds?: number[]; exception?: ExceptionDetails }
  | { kind: 'exited'; status: number; signal?: string }
  | { kind: 'ended'; message: string }
  | { kind: 'cancelled' };

const yieldToEvents = macrotask;

export class Runner {
  /** set by pause; checked between slices */
  pauseRequested = false;
  /** bumped to abandon whatever is running (disconnect, restart) */
  generation = 0;
  /** a catch point raised by a machine event during the current slice; a function is called once
   *  the instruction has finished, when the state it describes is complete. Setting one ends the
   *  machine's current run after that instruction. */
  get eventStop(): Outcome | (() => Outcome) | undefined {
    return this.pendingEvent;
  }
  set eventStop(o: Outcome | (() => Outcome) | undefined) {
    this.pendingEvent = o;
    if (o !== undefined) this.t.machine.requestStop();
  }
  private pendingEvent: Outcome | (() => Outcome) | undefined;
  /** a slice is running through machine.runToAddresses (see runUntil) */
  private runningFast = false;
  /** true while re-executing an instruction that stepping back undid one too far: its output
   *  and catch points already happened once */
  replaying = false;

  /** the expression context conditions and logpoints are evaluated in (it reads the live machine) */
  private readonly ctx: EvalContext;
  /** instructions per stage of each syscall; fed before every instruction run or stepped */
  readonly profiler: SyscallProfiler;

  constructor(
    private readonly t: Target,
    private readonly bps: BreakpointManager,
    private readonly log: (text: string) => void,
  ) {
    this.ctx = t.evalContext();
    this.profiler = new SyscallProfiler(t.machine, () => this.replaying);
    // A syscall opens the profiler, which must see every kernel instruction: a fast slice ends
    // right after the SYSCALL, and the next one runs instruction by instruction.
    t.machine.on((e) => {
      if (this.runningFast && e.kind === 'ring' && e.how === 'syscall') t.machine.requestStop();
    });
  }

  private readWatched = (addr: bigint, size: number): bigint | undefined => {
    const b = this.t.read(addr, size);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      if (b[i] === null || b[i] === undefined) return undefined;
      v = (v << 8n) | BigInt(b[i] as number);
    }
    return v;
  };

  /** Check data breakpoints now (after an instruction). */
  checkData(reverse = false): Outcome | undefined {
    if (!this.bps.dataBreakpoints.length) return undefined;
    const hit = this.bps.checkData(this.ctx, this.readWatched, reverse);
    return hit ? { kind: 'stop', reason: 'data breakpoint', description: hit.description, hitBreakpointIds: hit.ids } : undefined;
  }

  resyncData(): void {
    this.bps.resyncData(this.readWatched);
  }

  /** Turn a machine StopReason (other than budget/breakpoint) into an outcome, or undefined to go on. */
  private interpret(r: StopReason): Outcome | undefined {
    switch (r.kind) {
      case 'exited': return { kind: 'exited', status: r.status, signal: r.signal };
      case 'fault': {
        const f = r.fault;
        const name = VEC_NAMES[f.vector] ?? `vector ${f.vector}`;
        const userFault = r.ring === 3;
        if (userFault ? !this.bps.filterOn('user-fault') : true) return undefined; // let the kernel handle it
        const parts = [`vector ${f.vector} (${name})`];
        if (f.errorCode !== undefined) parts.push(`error code 0x${f.errorCode.toString(16)}`);
        if (f.cr2 !== undefined) parts.push(`CR2 0x${f.cr2.toString(16)}`);
        if (r.signal) parts.push(`the kernel will send ${r.signal}`);
        const description = `${name} in ring ${r.ring}: ${r.explanation}`;
        return {
          kind: 'stop', reason: 'exception', description,
          exception: {
            exceptionId: name, description: `${description} (${parts.join(', ')})`, breakMode: 'always',
            details: { message: f.toString(), typeName: r.signal ?? name },
          },
        };
      }
      case 'oops': {
        this.log(r.text.endsWith('\n') ? r.text : r.text + '\n');
        return {
          kind: 'stop', reason: 'exception', description: 'kernel oops',
          exception: { exceptionId: 'kernel oops', description: r.text.split('\n')[0], breakMode: 'always', details: { message: r.text, stackTrace: r.text } },
        };
      }
      case 'limit': return { kind: 'ended', message: r.message };
      case 'halted': return { kind: 'ended', message: 'the CPU halted with interrupts off' };
      default: return undefined;
    }
  }

  /**
   * Run until `goal(rip)` holds before an instruction (never for the first one), a breakpoint,
   * a catch point, pause, exit or a fault that should stop.
   */
  async runUntil(goal?: (rip: bigint) => boolean): Promise<Outcome> {
    const gen = this.generation;
    const m = this.t.machine;
    let pending: Outcome | undefined;
    const ctx = this.ctx;
    const profiler = this.profiler;
    const shouldStop = (rip: bigint): boolean => {
      if (profiler.open) profiler.observe(rip);
      if (this.eventStop) { pending = this.takeEventStop(); return true; }
      if (this.bps.dataBreakpoints.length) { // (may be set while running)
        const d = this.checkData();
        if (d) { pending = d; return true; }
      }
      if (goal && goal(rip)) { pending = { kind: 'goal' }; return true; }
      if (this.bps.isBreakpointAddress(rip)) {
        const hit = this.bps.checkAddress(rip, ctx, this.log);
        if (hit) { pending = { kind: 'stop', reason: hit.reason, description: hit.description, hitBreakpointIds: hit.ids }; return true; }
      }
      return false;
    };
    this.resyncData();
    let lastFaultAt: bigint | undefined;
    for (;;) {
      if (gen !== this.generation) return { kind: 'cancelled' };
      if (this.pauseRequested) { this.pauseRequested = false; return { kind: 'stop', reason: 'pause', description: 'paused' }; }
      this.eventStop = undefined;
      pending = undefined;
      if (profiler.open) profiler.observe(m.cpu.rip); // run() asks shouldStop from the second instruction on
      // When breakpoint addresses are all there is to check (a plain continue, no data breakpoint,
      // no syscall being profiled), the machine runs whole blocks and stops only at those addresses.
      const fast = !goal && !profiler.open && this.bps.dataBreakpoints.length === 0 && !this.replaying;
      this.runningFast = fast;
      let r: StopReason;
      try {
        r = fast ? m.runToAddresses(SLICE, this.bps.addresses) : m.run(SLICE, shouldStop);
      } finally {
        this.runningFast = false;
      }
      if (r.kind === 'budget') {
        if (this.eventStop) return this.takeEventStop();
        await yieldToEvents();
        continue;
      }
      if (r.kind === 'breakpoint') {
        if (pending) return pending;
        if (fast) {
          // at a breakpoint address: its condition, hit count or logpoint decides
          const hit = this.bps.checkAddress(m.cpu.rip, ctx, this.log);
          if (hit) return { kind: 'stop', reason: hit.reason, description: hit.description, hitBreakpointIds: hit.ids };
        }
        continue;
      }
      if (this.eventStop) return this.takeEventStop();
      const o = this.interpret(r);
      if (o) return o;
      if (r.kind === 'fault') {
        // Continue into the kernel's handling: deliver with a single step (guard against no progress).
        if (lastFaultAt === m.cpu.retired) return { kind: 'ended', message: `the machine keeps reporting ${r.fault.toString()} without progress` };
        lastFaultAt = m.cpu.retired;
        if (profiler.open) profiler.observe(m.cpu.rip);
        const again = m.step();
        if (again && again.kind !== 'budget' && again.kind !== 'breakpoint' && again.kind !== 'fault') {
          const o2 = this.interpret(again);
          if (o2) return o2;
        }
      }
    }
  }

  private takeEventStop(): Outcome {
    const o = this.eventStop!;
    this.eventStop = undefined;
    return typeof o === 'function' ? o() : o;
  }

  /** Execute one instruction. Returns 'goal' when it simply retired. */
  stepInstruction(): Outcome {
    this.eventStop = undefined;
    this.resyncData();
    const m = this.t.machine;
    if (this.profiler.open) this.profiler.observe(m.cpu.rip);
    let r = m.step();
    if (r && r.kind === 'fault') {
      const o = this.interpret(r);
      if (o) return o;
      if (this.profiler.open) this.profiler.observe(m.cpu.rip);
      r = m.step(); // deliver to the kernel's handler
    }
    if (r && r.kind !== 'budget' && r.kind !== 'breakpoint') {
      const o = this.interpret(r);
      if (o) return o;
    }
    const d = this.checkData();
    if (d) return d;
    if (this.eventStop) return this.takeEventStop();
    return { kind: 'goal' };
  }

  /** Reverse-execute until `goal` holds, a breakpoint or data breakpoint is met, or history ends. */
  async reverseUntil(goal?: (rip: bigint) => boolean): Promise<Outcome> {
    const gen = this.generation;
    const m = this.t.machine;
    const ctx = this.ctx;
    this.resyncData();
    for (;;) {
      for (let i = 0; i < SLICE; i++) {
        if (!m.undo()) return { kind: 'stop', reason: 'step', description: 'reached the start of the recorded history' };
        const d = this.checkData(true);
        if (d) return d;
        const rip = m.cpu.rip;
        if (goal && goal(rip)) return { kind: 'goal' };
        if (this.bps.isBreakpointAddress(rip)) {
          const hit = this.bps.checkAddress(rip, ctx, this.log, true);
          if (hit) return { kind: 'stop', reason: hit.reason, description: hit.description, hitBreakpointIds: hit.ids };
        }
      }
      await yieldToEvents();
      if (gen !== this.generation) return { kind: 'cancelled' };
      if (this.pauseRequested) { this.pauseRequested = false; return { kind: 'stop', reason: 'pause', description: 'paused' }; }
    }
  }
}
