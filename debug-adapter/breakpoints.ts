// Breakpoint bookkeeping: line, function and instruction breakpoints resolved to addresses, with
// conditions, hit counts and logpoints; data breakpoints (memory writes, detected by value change
// between instructions); and the exception filters that act as catch points.

import { EvalContext, EvalError, evaluate, formatValue, isTrue } from './expressions';
import { syscallNumber } from '../emulator/trace/syscalls';
import type { BreakAddresses } from '../emulator/machine/api';

/** generations of breakpoint address sets, unique across sessions (see BreakAddresses) */
let nextAddressGeneration = 1;

export interface AddressBreakpoint {
  id: number;
  kind: 'line' | 'function' | 'instruction';
  addresses: bigint[];
  verified: boolean;
  message?: string;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
  /** line breakpoints: source name and the line the code was found on */
  file?: string;
  line?: number;
  /** function breakpoints: the name as written */
  name?: string;
}

export interface DataBreakpoint {
  id: number;
  address: bigint;
  size: number;
  description: string;
  /** last value seen, when the memory was readable */
  last?: bigint;
  condition?: string;
  hitCondition?: string;
  hits: number;
}

export interface BreakpointHit {
  reason: 'breakpoint' | 'data breakpoint';
  ids: number[];
  description: string;
}

export const EXCEPTION_FILTERS = [
  { filter: 'syscall-entry', label: 'Syscall entry', default: false, supportsCondition: true,
    description: 'Stop when a system call enters the kernel (after the entry code saved pt_regs).',
    conditionDescription: 'Syscall names or numbers, comma separated, e.g. read,write or 0,1' },
  { filter: 'syscall-exit', label: 'Syscall exit', default: false, supportsCondition: true,
    description: 'Stop when a system call is about to return to user space.',
    conditionDescription: 'Syscall names or numbers, comma separated, e.g. read,write or 0,1' },
  { filter: 'ring-transition', label: 'Ring transition', default: false,
    description: 'Stop at every crossing between ring 3 and ring 0 (SYSCALL, SYSRET, IRET, exceptions).' },
  { filter: 'user-fault', label: 'User fault (signal)', default: true,
    description: 'Stop when user code faults (#PF, #GP, #UD, #DE...), before the kernel turns it into a signal.' },
  { filter: 'kernel-oops', label: 'Kernel oops', default: true,
    description: 'Stop when the kernel faults with no fixup and prints an oops.' },
] as const;

export type FilterId = (typeof EXCEPTION_FILTERS)[number]['filter'];

/** Parse a syscall catch-point condition into syscall numbers. Throws on unknown names. */
export function parseSyscallSet(condition: string): Set<number> {
  const out = new Set<number>();
  for (const raw of condition.split(/[,\s]+/)) {
    const item = raw.trim();
    if (!item) continue;
    if (/^(0x[0-9a-f]+|\d+)$/i.test(item)) out.add(Number(item));
    else {
      const nr = syscallNumber(item.replace(/^(sys_|__x64_sys_)/, ''));
      if (nr === undefined) throw new Error(`unknown syscall '${item}' in the condition`);
      out.add(nr);
    }
  }
  return out;
}

/** Does the hit count satisfy the hit condition? `N` and `>= N` mean from the Nth hit on. */
export function hitConditionMet(hitCondition: string | undefined, hits: number): boolean {
  if (!hitCondition || !hitCondition.trim()) return true;
  const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(hitCondition);
  if (!m) throw new Error(`bad hit count '${hitCondition}' (use N, >= N, == N, > N, < N or % N)`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '==': case '=': return hits === n;
    case '>': return hits > n;
    case '<': return hits < n;
    case '<=': return hits <= n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits >= n;
  }
}

export function validateHitCondition(hitCondition: string | undefined): string | undefined {
  try { hitConditionMet(hitCondition, 0); return undefined; } catch (e) { return (e as Error).message; }
}

/** Replace each {expression} in a logpoint message with its value. */
export function interpolate(message: string, ctx: EvalContext): string {
  return message.replace(/\{([^{}]+)\}/g, (_, expr: string) => {
    try {
      return formatValue(evaluate(expr, ctx), ctx);
    } catch (e) {
      return `<${(e as Error).message}>`;
    }
  });
}

export class BreakpointManager {
  private nextId = 1;
  /** line breakpoints by source name */
  private lineBreakpoints = new Map<string, AddressBreakpoint[]>();
  private functionBreakpoints: AddressBreakpoint[] = [];
  private instructionBreakpoints: AddressBreakpoint[] = [];
  dataBreakpoints: DataBreakpoint[] = [];
  private byAddress = new Map<bigint, AddressBreakpoint[]>();
  private addressGeneration = nextAddressGeneration++;
  /** the breakpoint addresses as the machine's runToAddresses takes them */
  readonly addresses: BreakAddresses = ((m: BreakpointManager) => ({
    has: (a: bigint) => m.byAddress.has(a),
    get generation() { return m.addressGeneration; },
  }))(this);
  /** exception filters that are on, with their parsed condition */
  filters = new Map<FilterId, { syscalls?: Set<number> }>();

  newId(): number {
    return this.nextId++;
  }

  setLineBreakpoints(file: string, bps: AddressBreakpoint[]): void {
    this.lineBreakpoints.set(file, bps);
    this.rebuild();
  }

  setFunctionBreakpoints(bps: AddressBreakpoint[]): void {
    this.functionBreakpoints = bps;
    this.rebuild();
  }

  setInstructionBreakpoints(bps: AddressBreakpoint[]): void {
    this.instructionBreakpoints = bps;
    this.rebuild();
  }

  /** After the program is rebuilt (restart), look line and function breakpoints up again. */
  reresolve(resolve: (bp: AddressBreakpoint) => bigint[] | undefined): void {
    for (const bp of [...[...this.lineBreakpoints.values()].flat(), ...this.functionBreakpoints]) {
      const a = resolve(bp);
      if (a) { bp.addresses = a; bp.verified = a.length > 0; }
    }
    this.rebuild();
  }

  private rebuild(): void {
    this.addressGeneration = nextAddressGeneration++;
    this.byAddress.clear();
    const all = [...[...this.lineBreakpoints.values()].flat(), ...this.functionBreakpoints, ...this.instructionBreakpoints];
    for (const bp of all) {
      if (!bp.verified) continue;
      for (const a of bp.addresses) {
        const list = this.byAddress.get(a);
        if (list) list.push(bp);
        else this.byAddress.set(a, [bp]);
      }
    }
  }

  lineBreakpointById(id: number): AddressBreakpoint | undefined {
    for (const list of this.lineBreakpoints.values()) {
      const bp = list.find((b) => b.id === id);
      if (bp) return bp;
    }
    return undefined;
  }

  get hasAddressBreakpoints(): boolean {
    return this.byAddress.size > 0;
  }

  isBreakpointAddress(addr: bigint): boolean {
    return this.byAddress.has(addr);
  }

  /**
   * Called before the instruction at `rip` runs. Counts hits, evaluates conditions, prints
   * logpoints (through `log`) and says whether to stop. `reverse` skips hit counting and logs.
   */
  checkAddress(rip: bigint, ctx: EvalContext, log: (text: string) => void, reverse = false): BreakpointHit | undefined {
    const list = this.byAddress.get(rip);
    if (!list) return undefined;
    const ids: number[] = [];
    const notes: string[] = [];
    for (const bp of list) {
      if (bp.condition && bp.condition.trim()) {
        try {
          if (!isTrue(evaluate(bp.condition, ctx))) continue;
        } catch (e) {
          // A broken condition stops, so the user sees why instead of silently running past.
          ids.push(bp.id);
          notes.push(`condition '${bp.condition}' could not be evaluated: ${(e as Error).message}`);
          continue;
        }
      }
      if (!reverse) {
        bp.hits++;
        if (!hitConditionMet(bp.hitCondition, bp.hits)) continue;
        if (bp.logMessage) {
          log(interpolate(bp.logMessage, ctx) + '\n');
          continue;
        }
      } else if (bp.logMessage) continue;
      ids.push(bp.id);
    }
    if (!ids.length) return undefined;
    return { reason: 'breakpoint', ids, description: notes.length ? notes.join('; ') : 'breakpoint' };
  }

  /** Compare watched memory with what it held before the last instruction. */
  checkData(ctx: EvalContext, read: (addr: bigint, size: number) => bigint | undefined, reverse = false): BreakpointHit | undefined {
    let hit: BreakpointHit | undefined;
    for (const d of this.dataBreakpoints) {
      const now = read(d.address, d.size);
      if (now === undefined) continue; // not mapped in the current page tables: keep the last value
      const before = d.last;
      d.last = now;
      if (before === undefined || before === now) continue;
      if (d.condition && d.condition.trim()) {
        try { if (!isTrue(evaluate(d.condition, ctx))) continue; } catch (e) { if (!(e instanceof EvalError)) throw e; }
      }
      if (!reverse) {
        d.hits++;
        if (!hitConditionMet(d.hitCondition, d.hits)) continue;
      }
      const text = `${d.description} changed: 0x${before.toString(16)} → 0x${now.toString(16)}`;
      if (hit) { hit.ids.push(d.id); hit.description += `; ${text}`; } else hit = { reason: 'data breakpoint', ids: [d.id], description: text };
    }
    return hit;
  }

  /** Refresh the remembered values (after the user edits memory or time moves without checks). */
  resyncData(read: (addr: bigint, size: number) => bigint | undefined): void {
    for (const d of this.dataBreakpoints) {
      const v = read(d.address, d.size);
      if (v !== undefined) d.last = v;
    }
  }

  filterOn(id: FilterId): boolean {
    return this.filters.has(id);
  }

  syscallFilterMatches(id: 'syscall-entry' | 'syscall-exit', nr: number): boolean {
    const f = this.filters.get(id);
    if (!f) return false;
    return !f.syscalls || f.syscalls.size === 0 || f.syscalls.has(nr);
  }
}
