// Scopes and variables: Registers, Segments & Ring, pt_regs, Syscall, MSRs and Control, plus the
// children of expandable values (RFLAGS bits, a struct pt_regs from an expression, u64 arrays).
// Also the writes behind setVariable and the memory addresses behind dataBreakpointInfo.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { GPR64, MSR, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from '../emulator/cpu/state';
import { formatResult, formatSyscall } from '../emulator/trace/strace';
import { SIGNATURES, syscallName } from '../emulator/trace/syscalls';
import { Target } from './target';
import { EvalError, PT_REGS_FIELDS, U64, evaluate, formatInt } from './expressions';
import { FLAG_BITS, describeFlags, readRegister, writeFlag, writeRegister } from './registers';

const ENOSYS = (1n << 64n) - 38n;
const SYSCALL_ARG_FIELDS = ['di', 'si', 'dx', 'r10', 'r8', 'r9'];
const SYSCALL_ARG_REGS = [7, 6, 2, 10, 8, 9];

export type Container =
  | { kind: 'registers' }
  | { kind: 'userRegisters'; address: bigint }
  | { kind: 'rflags' }
  | { kind: 'segments' }
  | { kind: 'ptregs'; address?: bigint; fromExpression?: string }
  | { kind: 'syscall' }
  | { kind: 'msrs' }
  | { kind: 'control' }
  | { kind: 'array'; address: bigint; length: number; expression: string };

const hex = (v: bigint) => `0x${v.toString(16)}`;

/**
 * Hands out variablesReference numbers, valid until the next stop. Numbers keep growing across
 * stops, so a reference from an earlier stop (VS Code asks for those when a pane is unfolded
 * after a step) is recognised as expired instead of naming some other variable of this stop.
 */
export class VariableStore {
  private items: Container[] = [];
  /** references up to this one belong to earlier stops */
  private expiredUpTo = 0;
  /** counts resets: one per stop */
  generation = 0;

  reset(): void {
    this.expiredUpTo += this.items.length;
    this.items = [];
    this.generation++;
  }
  add(c: Container): number {
    this.items.push(c);
    return this.expiredUpTo + this.items.length; // references start at 1
  }
  get(ref: number): Container | undefined {
    return Number.isInteger(ref) && ref > this.expiredUpTo ? this.items[ref - this.expiredUpTo - 1] : undefined;
  }
  /** True for a reference handed out before the last stop. */
  expired(ref: number): boolean {
    return Number.isInteger(ref) && ref >= 1 && ref <= this.expiredUpTo;
  }
}

/** Scopes of a frame. A user frame seen from inside the kernel shows the user's registers as
 *  the entry code saved them in pt_regs (once they are all pushed). */
export function scopes(store: VariableStore, t: Target, frameRing?: 0 | 3): DebugProtocol.Scope[] {
  const inSyscall = t.cpu.cpl === 0 && t.boundary()?.how === 'syscall';
  const s = (name: string, c: Container, hint?: string, expensive = false): DebugProtocol.Scope => ({
    name, variablesReference: store.add(c), expensive, ...(hint ? { presentationHint: hint } : {}),
  });
  const st = ptRegsState(t);
  const saved = frameRing === 3 && t.cpu.cpl === 0 && st.address !== undefined && st.pushed(0);
  return [
    saved
      ? s('Registers (user, saved in pt_regs)', { kind: 'userRegisters', address: st.address! }, 'registers')
      : s('Registers', { kind: 'registers' }, 'registers'),
    s('Segments & Ring', { kind: 'segments' }),
    s('pt_regs', { kind: 'ptregs' }),
    s('Syscall', { kind: 'syscall' }, undefined, !inSyscall),
    s('MSRs', { kind: 'msrs' }, undefined, true),
    s('Control', { kind: 'control' }, undefined, true),
  ];
}

function intVar(t: Target, name: string, value: bigint, evaluateName?: string, extra: Partial<DebugProtocol.Variable> = {}): DebugProtocol.Variable {
  const sym = value >= 0x1000n ? t.describeAddress(value) : undefined;
  const v: DebugProtocol.Variable = {
    name, value: formatInt(value, U64, true, (a) => t.isMapped(a)) + (sym ? ` ${sym}` : ''), type: 'u64', variablesReference: 0, ...extra,
  };
  if (evaluateName) v.evaluateName = evaluateName;
  // Registers and fields holding a mapped address can be opened in the memory view.
  if (value >= 0x1000n && t.isMapped(value)) v.memoryReference = hex(value);
  return v;
}

/** Where the current task's pt_regs is, and which of its fields hold saved values (an explicit
 *  address other than the current task's frame is taken as a complete frame). */
export function ptRegsState(t: Target, address?: bigint): { address?: bigint; pushed: (offset: number) => boolean; note?: string } {
  const live = t.ptRegsLiveness();
  if (address !== undefined && address !== live.address) return { address, pushed: () => true };
  return { address: live.address, pushed: live.pushed, note: live.why };
}

export function variables(store: VariableStore, t: Target, ref: number): DebugProtocol.Variable[] {
  const c = store.get(ref);
  if (!c) throw new Error(`no variables with reference ${ref} (they expire when the program runs)`);
  const cpu = t.cpu;
  switch (c.kind) {
    case 'registers': {
      const out = GPR64.map((r, i) => intVar(t, r, cpu.gpr[i], `$${r}`));
      out.push(intVar(t, 'rip', cpu.rip, '$rip'));
      out.push({
        name: 'rflags', value: `${hex(BigInt(cpu.rflags))} [${describeFlags(cpu.rflags)}]`, type: 'u64',
        evaluateName: '$rflags', variablesReference: store.add({ kind: 'rflags' }),
      });
      return out;
    }
    case 'userRegisters': {
      // pt_regs field for each user register; rax shows pt_regs->ax, what user space will get back.
      const map: [string, string][] = [
        ['rax', 'ax'], ['rcx', 'cx'], ['rdx', 'dx'], ['rbx', 'bx'], ['rsp', 'sp'], ['rbp', 'bp'], ['rsi', 'si'], ['rdi', 'di'],
        ['r8', 'r8'], ['r9', 'r9'], ['r10', 'r10'], ['r11', 'r11'], ['r12', 'r12'], ['r13', 'r13'], ['r14', 'r14'], ['r15', 'r15'],
        ['rip', 'ip'], ['rflags', 'flags'],
      ];
      return map.map(([reg, field]) => {
        const off = PT_REGS_FIELDS.find(([f]) => f === field)![1];
        const v = t.readU64(c.address + BigInt(off));
        if (v === undefined) return { name: reg, value: '(unreadable)', variablesReference: 0 };
        if (reg === 'rflags') return { name: reg, value: `${hex(v)} [${describeFlags(Number(v & 0x3fffffn))}]`, evaluateName: 'pt_regs->flags', variablesReference: 0 };
        return intVar(t, reg, v, `pt_regs->${field}`);
      });
    }
    case 'rflags':
      return FLAG_BITS.map((f) => ({
        name: f.name, value: String((cpu.rflags >>> f.bit) & ((1 << f.width) - 1)), type: `bit ${f.bit}: ${f.meaning}`,
        evaluateName: `$rflags.${f.name}`, variablesReference: 0,
      }));
    case 'segments': {
      const seg = (name: string, i: number): DebugProtocol.Variable => {
        const s = cpu.seg[i];
        return {
          name, value: `${hex(BigInt(s.sel))} (index ${s.sel >> 3}, RPL ${s.sel & 3}${i === SEG_CS ? `, DPL ${s.dpl}${s.long ? ', 64-bit' : ''}` : ''})`,
          type: 'selector', evaluateName: `$${name}`, variablesReference: 0,
        };
      };
      return [
        { name: 'CPL', value: `${cpu.cpl} (${cpu.cpl === 0 ? 'kernel' : cpu.cpl === 3 ? 'user' : 'ring ' + cpu.cpl})`, evaluateName: '$cpl', variablesReference: 0 },
        seg('cs', SEG_CS), seg('ss', SEG_SS), seg('ds', SEG_DS), seg('es', SEG_ES), seg('fs', SEG_FS), seg('gs', SEG_GS),
        intVar(t, 'fs_base', cpu.seg[SEG_FS].base, '$fs_base'),
        intVar(t, 'gs_base', cpu.seg[SEG_GS].base, '$gs_base'),
        intVar(t, 'kernel_gs_base', cpu.msr.get(MSR.KERNEL_GS_BASE) ?? 0n, '$kernel_gs_base'),
      ];
    }
    case 'ptregs': {
      const st = ptRegsState(t, c.address);
      if (st.address === undefined) return [{ name: 'pt_regs', value: `(unavailable: ${st.note})`, variablesReference: 0 }];
      const base = st.address;
      if (st.note === 'no syscall in progress') {
        // In ring 3 the frame only holds the previous entry's leftovers: say so instead.
        return [
          { name: '@address', value: hex(base), variablesReference: 0, memoryReference: hex(base) },
          { name: 'pt_regs', value: '(not live: no syscall in progress; the kernel saves the user registers here at the next entry)', variablesReference: 0 },
        ];
      }
      const prefix = c.fromExpression ? `(${c.fromExpression})->` : 'pt_regs->';
      const out: DebugProtocol.Variable[] = [
        { name: '@address', value: `${hex(base)} (top of the task's kernel stack - 168)`, variablesReference: 0, memoryReference: hex(base) },
      ];
      for (const [field, off] of PT_REGS_FIELDS) {
        const addr = base + BigInt(off);
        if (!st.pushed(off)) {
          out.push({ name: field, value: `(${st.note ?? 'not saved'})`, variablesReference: 0, evaluateName: `${prefix}${field}` });
          continue;
        }
        const v = t.readU64(addr);
        if (v === undefined) {
          out.push({ name: field, value: '(unreadable: the kernel stack is not mapped in the current page tables)', variablesReference: 0, evaluateName: `${prefix}${field}` });
          continue;
        }
        out.push(intVar(t, field, v, `${prefix}${field}`));
      }
      return out;
    }
    case 'syscall':
      return syscallVariables(t);
    case 'msrs': {
      const m = (n: number) => cpu.msr.get(n) ?? 0n;
      const efer = cpu.efer;
      const eferBits = [['SCE', 0n], ['LME', 8n], ['LMA', 10n], ['NXE', 11n]].filter(([, b]) => (efer >> (b as bigint)) & 1n).map(([n]) => n).join(' ');
      const star = m(MSR.STAR);
      const fmask = m(MSR.FMASK);
      return [
        { name: 'EFER', value: `${hex(efer)} [${eferBits}]`, evaluateName: '$efer', variablesReference: 0 },
        { name: 'STAR', value: `${hex(star)} (SYSCALL CS=${hex((star >> 32n) & 0xfffcn)}, SYSRET base=${hex((star >> 48n) & 0xffffn)})`, evaluateName: '$star', variablesReference: 0 },
        intVar(t, 'LSTAR', m(MSR.LSTAR), '$lstar'),
        intVar(t, 'CSTAR', m(MSR.CSTAR), '$cstar'),
        { name: 'FMASK', value: `${hex(fmask)} [clears ${describeFlags(Number(fmask & 0x3fffffn))}]`, evaluateName: '$fmask', variablesReference: 0 },
        intVar(t, 'FS_BASE', cpu.seg[SEG_FS].base, '$fs_base'),
        intVar(t, 'GS_BASE', cpu.seg[SEG_GS].base, '$gs_base'),
        intVar(t, 'KERNEL_GS_BASE', m(MSR.KERNEL_GS_BASE), '$kernel_gs_base'),
        { name: 'SPEC_CTRL', value: `${hex(m(MSR.SPEC_CTRL))}${m(MSR.SPEC_CTRL) & 1n ? ' [IBRS]' : ''}`, evaluateName: '$spec_ctrl', variablesReference: 0 },
        { name: 'TSC_AUX', value: hex(m(MSR.TSC_AUX)), evaluateName: '$tsc_aux', variablesReference: 0 },
      ];
    }
    case 'control': {
      const bits = (v: bigint, names: [string, bigint][]) => names.filter(([, b]) => (v >> b) & 1n).map(([n]) => n).join(' ');
      const cr3 = cpu.cr3;
      const pgd = cr3 & 0x000ffffffffff000n;
      const half = cr3 & 0x1000n ? 'user PGD (PTI: kernel mostly unmapped)' : 'kernel PGD';
      return [
        { name: 'CR0', value: `${hex(cpu.cr0)} [${bits(cpu.cr0, [['PE', 0n], ['MP', 1n], ['EM', 2n], ['TS', 3n], ['WP', 16n], ['PG', 31n]])}]`, evaluateName: '$cr0', variablesReference: 0 },
        { name: 'CR2', value: `${hex(cpu.cr2)} (last page-fault address)`, evaluateName: '$cr2', variablesReference: 0 },
        { name: 'CR3', value: `${hex(cr3)} (${half} at physical ${hex(pgd)})`, evaluateName: '$cr3', variablesReference: 0 },
        { name: 'CR4', value: `${hex(cpu.cr4)} [${bits(cpu.cr4, [['PAE', 5n], ['PGE', 7n], ['PCIDE', 17n], ['SMEP', 20n], ['SMAP', 21n]])}]`, evaluateName: '$cr4', variablesReference: 0 },
        { name: 'GDTR', value: `base ${hex(cpu.gdtr.base)} limit ${hex(BigInt(cpu.gdtr.limit))}`, variablesReference: 0 },
        { name: 'IDTR', value: `base ${hex(cpu.idtr.base)} limit ${hex(BigInt(cpu.idtr.limit))}`, variablesReference: 0 },
        { name: 'TR', value: `${hex(BigInt(cpu.tr.sel))} (TSS at ${hex(cpu.tr.base)})`, variablesReference: 0 },
        { name: 'retired', value: `${cpu.retired} instructions`, evaluateName: '$retired', variablesReference: 0 },
      ];
    }
    case 'array': {
      const n = Math.min(c.length, 512);
      const out: DebugProtocol.Variable[] = [];
      for (let i = 0; i < n; i++) {
        const v = t.readU64(c.address + BigInt(8 * i));
        out.push(v === undefined
          ? { name: `[${i}]`, value: '(unreadable)', variablesReference: 0 }
          : intVar(t, `[${i}]`, v, `${c.expression}[${i}]`));
      }
      return out;
    }
  }
}

/** The syscall being served: number, name, arguments as strace prints them, result when known. */
export function syscallVariables(t: Target): DebugProtocol.Variable[] {
  const cpu = t.cpu;
  const b = t.boundary();
  if (cpu.cpl !== 0 || !b || b.how !== 'syscall') return [{ name: 'syscall', value: '(none in flight: the CPU is not serving a system call)', variablesReference: 0 }];
  const st = ptRegsState(t);
  const field = (name: string): bigint | undefined => {
    const off = PT_REGS_FIELDS.find(([f]) => f === name)![1];
    return st.address !== undefined && st.pushed(off) ? t.readU64(st.address + BigInt(off)) : undefined;
  };
  // Before the entry code saves them, the number and arguments are still in the registers.
  const nrFull = field('orig_ax') ?? cpu.gpr[0];
  const nr = Number(BigInt.asIntN(32, nrFull & 0xffffffffn)); // only EAX selects the call
  const args = SYSCALL_ARG_FIELDS.map((f, i) => field(f) ?? cpu.gpr[SYSCALL_ARG_REGS[i]]);
  const name = syscallName(nr);
  const sig = SIGNATURES[name];
  const reader = (addr: bigint, len: number): Uint8Array | null => {
    const bytes = t.read(addr, len);
    return bytes.some((x) => x === null) ? null : Uint8Array.from(bytes as number[]);
  };
  const ax = field('ax');
  const result = ax !== undefined && ax !== ENOSYS ? ax : undefined;
  let call: string;
  try {
    call = formatSyscall(nr, args, result, reader).replace(/\s+= .*$/, '');
  } catch (e) {
    call = `${name}(...) <${(e as Error).message}>`;
  }
  const out: DebugProtocol.Variable[] = [
    { name: 'nr', value: `${nr} (${name})`, evaluateName: 'pt_regs->orig_ax', variablesReference: 0 },
    { name: 'call', value: call, variablesReference: 0 },
  ];
  const n = sig ? sig.args.length : 6;
  for (let i = 0; i < n; i++) {
    out.push(intVar(t, `arg${i} (${['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'][i]}${sig ? ', ' + sig.args[i].kind : ''})`, args[i], `pt_regs->${SYSCALL_ARG_FIELDS[i]}`));
  }
  out.push({
    name: 'result',
    value: result === undefined ? '(not yet known: pt_regs->ax still holds -ENOSYS)' : formatResult(nr, result),
    evaluateName: 'pt_regs->ax', variablesReference: 0,
  });
  return out;
}

/** setVariable: write a register, flag, MSR/CR or pt_regs field. Returns the new variable. */
export function setVariable(store: VariableStore, t: Target, ref: number, name: string, valueText: string): DebugProtocol.Variable {
  const c = store.get(ref);
  if (!c) throw new Error(`no variables with reference ${ref} (they expire when the program runs)`);
  const ctx = t.evalContext();
  const parsed = evaluate(valueText, ctx);
  if (parsed.type.kind === 'struct') throw new EvalError('the new value must be a number');
  const value = parsed.value;
  switch (c.kind) {
    case 'registers':
      if (!GPR64.includes(name as (typeof GPR64)[number]) && name !== 'rip' && name !== 'rflags') throw new Error(`no register '${name}' here`);
      writeRegister(t.cpu, name, value);
      if (name === 'rflags') return { name, value: `${hex(BigInt(t.cpu.rflags))} [${describeFlags(t.cpu.rflags)}]`, variablesReference: 0 };
      return intVar(t, name, readRegister(t.cpu, name), `$${name}`);
    case 'rflags':
      writeFlag(t.cpu, name, value);
      return { name, value: String(Number((BigInt(t.cpu.rflags) >> BigInt(FLAG_BITS.find((f) => f.name === name)!.bit)) & (name === 'IOPL' ? 3n : 1n))), variablesReference: 0 };
    case 'ptregs': {
      const st = ptRegsState(t, c.address);
      const f = PT_REGS_FIELDS.find(([n]) => n === name);
      if (!f || st.address === undefined) throw new Error(`pt_regs has no field '${name}'`);
      const addr = st.address + BigInt(f[1]);
      const bytes = new Uint8Array(8);
      for (let i = 0; i < 8; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
      if (!ctx.writeMemory(addr, bytes)) throw new Error(`cannot write pt_regs->${name} at ${hex(addr)}: not mapped in the current page tables`);
      return intVar(t, name, t.readU64(addr) ?? value, `pt_regs->${name}`);
    }
    case 'msrs': case 'control': case 'segments': {
      const reg = name.toLowerCase();
      if (reg === 'cpl' || ['cs', 'ss', 'ds', 'es', 'fs', 'gs'].includes(reg)) throw new Error(`${name} cannot be changed from the debugger (it would desynchronise the descriptor caches)`);
      writeRegister(t.cpu, reg, value);
      return { name, value: hex(readRegister(t.cpu, reg)), variablesReference: 0 };
    }
    default:
      throw new Error(`'${name}' cannot be changed here`);
  }
}

/** The guest memory behind a variable, for data breakpoints. */
export function variableAddress(store: VariableStore, t: Target, ref: number, name: string): { address: bigint; size: number; description: string } | undefined {
  const c = store.get(ref);
  if (!c) return undefined;
  if (c.kind === 'ptregs') {
    const st = ptRegsState(t, c.address);
    const f = PT_REGS_FIELDS.find(([n]) => n === name);
    if (!f || st.address === undefined) return undefined;
    return { address: st.address + BigInt(f[1]), size: 8, description: `pt_regs->${name}` };
  }
  if (c.kind === 'array') {
    const m = /^\[(\d+)\]$/.exec(name);
    if (!m) return undefined;
    return { address: c.address + BigInt(8 * Number(m[1])), size: 8, description: `${c.expression}${name}` };
  }
  return undefined;
}
