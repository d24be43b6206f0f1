// Registers by the names a learner types: every GPR width (rax/eax/ax/al/ah, r8/r8d/r8w/r8b), rip,
// rflags and its bits, segment selectors and bases, control registers and the MSRs the syscall
// path uses. Reads and writes go straight to the CPU state.

import { CpuState, MSR, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, GPR64 } from '../emulator/cpu/state';

const MASK64 = (1n << 64n) - 1n;

interface GprView { num: number; size: 1 | 2 | 4 | 8; high8?: boolean }

const GPR_VIEWS = new Map<string, GprView>();
{
  const legacy32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
  const legacy16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
  const legacy8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
  GPR64.forEach((n, i) => GPR_VIEWS.set(n, { num: i, size: 8 }));
  legacy32.forEach((n, i) => GPR_VIEWS.set(n, { num: i, size: 4 }));
  legacy16.forEach((n, i) => GPR_VIEWS.set(n, { num: i, size: 2 }));
  legacy8.forEach((n, i) => GPR_VIEWS.set(n, { num: i, size: 1 }));
  ['ah', 'ch', 'dh', 'bh'].forEach((n, i) => GPR_VIEWS.set(n, { num: i, size: 1, high8: true }));
  for (let i = 8; i < 16; i++) {
    GPR_VIEWS.set(`r${i}d`, { num: i, size: 4 });
    GPR_VIEWS.set(`r${i}w`, { num: i, size: 2 });
    GPR_VIEWS.set(`r${i}b`, { num: i, size: 1 });
    GPR_VIEWS.set(`r${i}l`, { num: i, size: 1 });
  }
}

/** RFLAGS bits a user can name, with their widths (IOPL is two bits). */
export const FLAG_BITS: { name: string; bit: number; width: number; meaning: string }[] = [
  { name: 'CF', bit: 0, width: 1, meaning: 'carry' },
  { name: 'PF', bit: 2, width: 1, meaning: 'parity' },
  { name: 'AF', bit: 4, width: 1, meaning: 'auxiliary carry' },
  { name: 'ZF', bit: 6, width: 1, meaning: 'zero' },
  { name: 'SF', bit: 7, width: 1, meaning: 'sign' },
  { name: 'TF', bit: 8, width: 1, meaning: 'trap (single step)' },
  { name: 'IF', bit: 9, width: 1, meaning: 'interrupts enabled' },
  { name: 'DF', bit: 10, width: 1, meaning: 'direction' },
  { name: 'OF', bit: 11, width: 1, meaning: 'overflow' },
  { name: 'IOPL', bit: 12, width: 2, meaning: 'I/O privilege level' },
  { name: 'NT', bit: 14, width: 1, meaning: 'nested task' },
  { name: 'RF', bit: 16, width: 1, meaning: 'resume' },
  { name: 'VM', bit: 17, width: 1, meaning: 'virtual-8086' },
  { name: 'AC', bit: 18, width: 1, meaning: 'alignment check / SMAP override' },
  { name: 'VIF', bit: 19, width: 1, meaning: 'virtual interrupt' },
  { name: 'VIP', bit: 20, width: 1, meaning: 'virtual interrupt pending' },
  { name: 'ID', bit: 21, width: 1, meaning: 'CPUID available' },
];

const SEGMENTS: Record<string, number> = { es: SEG_ES, cs: SEG_CS, ss: SEG_SS, ds: SEG_DS, fs: SEG_FS, gs: SEG_GS };

/** MSRs shown and addressable by name (lower case). */
export const MSR_NAMES: Record<string, number> = {
  star: MSR.STAR, lstar: MSR.LSTAR, cstar: MSR.CSTAR, fmask: MSR.FMASK, kernel_gs_base: MSR.KERNEL_GS_BASE,
  tsc_aux: MSR.TSC_AUX, spec_ctrl: MSR.SPEC_CTRL, sysenter_cs: MSR.SYSENTER_CS, sysenter_esp: MSR.SYSENTER_ESP,
  sysenter_eip: MSR.SYSENTER_EIP,
};

const ALIASES: Record<string, string> = { pc: 'rip', sp: 'rsp', fp: 'rbp', eflags: 'rflags', flags: 'rflags' };

export interface RegisterInfo {
  /** canonical name */
  name: string;
  /** width in bytes (flags: 1) */
  size: 1 | 2 | 4 | 8;
  readOnly: boolean;
}

/** Resolve a register name (any case, aliases allowed; `sp` means rsp only when `$`/`%`-prefixed). */
export function registerInfo(rawName: string, prefixed = true): RegisterInfo | undefined {
  let name = rawName.toLowerCase();
  if (prefixed && ALIASES[name]) name = ALIASES[name];
  else if (name === 'eflags') name = 'rflags';
  const g = GPR_VIEWS.get(name);
  if (g) return { name, size: g.size, readOnly: false };
  if (name === 'rip' || name === 'rflags') return { name, size: 8, readOnly: false };
  if (name === 'eip') return { name, size: 4, readOnly: true };
  if (name in SEGMENTS) return { name, size: 2, readOnly: true };
  if (name === 'cpl') return { name, size: 1, readOnly: true };
  if (['fs_base', 'gs_base', 'cr0', 'cr2', 'cr3', 'cr4', 'efer'].includes(name)) return { name, size: 8, readOnly: false };
  if (name in MSR_NAMES) return { name, size: 8, readOnly: false };
  if (name === 'retired') return { name, size: 8, readOnly: true };
  return undefined;
}

export function readRegister(cpu: CpuState, name: string): bigint {
  const g = GPR_VIEWS.get(name);
  if (g) {
    const full = cpu.gpr[g.num];
    if (g.high8) return (full >> 8n) & 0xffn;
    return g.size === 8 ? full : full & ((1n << BigInt(g.size * 8)) - 1n);
  }
  switch (name) {
    case 'rip': return cpu.rip;
    case 'eip': return cpu.rip & 0xffffffffn;
    case 'rflags': return BigInt(cpu.rflags);
    case 'cpl': return BigInt(cpu.cpl);
    case 'fs_base': return cpu.seg[SEG_FS].base;
    case 'gs_base': return cpu.seg[SEG_GS].base;
    case 'cr0': return cpu.cr0;
    case 'cr2': return cpu.cr2;
    case 'cr3': return cpu.cr3;
    case 'cr4': return cpu.cr4;
    case 'efer': return cpu.efer;
    case 'retired': return cpu.retired;
  }
  if (name in SEGMENTS) return BigInt(cpu.seg[SEGMENTS[name]].sel);
  if (name in MSR_NAMES) return cpu.msr.get(MSR_NAMES[name]) ?? 0n;
  throw new Error(`no register named '${name}'`);
}

export function writeRegister(cpu: CpuState, name: string, value: bigint): void {
  value &= MASK64;
  const g = GPR_VIEWS.get(name);
  if (g) {
    // Writing a narrow view changes only its bits, as a debugger's register edit should.
    if (g.high8) cpu.gpr[g.num] = (cpu.gpr[g.num] & ~0xff00n) | ((value & 0xffn) << 8n);
    else if (g.size === 8) cpu.gpr[g.num] = value;
    else {
      const m = (1n << BigInt(g.size * 8)) - 1n;
      cpu.gpr[g.num] = (cpu.gpr[g.num] & ~m & MASK64) | (value & m);
    }
    return;
  }
  switch (name) {
    case 'rip': cpu.rip = value; return;
    case 'rflags': cpu.rflags = Number(value & 0x3fffffn) | 0x2; return;
    case 'fs_base': cpu.seg[SEG_FS].base = value; return;
    case 'gs_base': cpu.seg[SEG_GS].base = value; return;
    case 'cr0': cpu.cr0 = value; return;
    case 'cr2': cpu.cr2 = value; return;
    case 'cr3': cpu.cr3 = value; return;
    case 'cr4': cpu.cr4 = value; return;
    case 'efer': cpu.efer = value; return;
  }
  if (name in MSR_NAMES) { cpu.msr.set(MSR_NAMES[name], value); return; }
  throw new Error(`register '${name}' cannot be written`);
}

export function flagInfo(name: string): { bit: number; width: number } | undefined {
  const f = FLAG_BITS.find((x) => x.name === name.toUpperCase());
  return f ? { bit: f.bit, width: f.width } : undefined;
}

export function readFlag(cpu: CpuState, name: string): bigint {
  const f = flagInfo(name);
  if (!f) throw new Error(`RFLAGS has no bit named '${name}'`);
  return BigInt((cpu.rflags >>> f.bit) & ((1 << f.width) - 1));
}

export function writeFlag(cpu: CpuState, name: string, value: bigint): void {
  const f = flagInfo(name);
  if (!f) throw new Error(`RFLAGS has no bit named '${name}'`);
  const max = (1n << BigInt(f.width)) - 1n;
  if (value < 0n || value > max) throw new Error(`RFLAGS.${name.toUpperCase()} takes 0..${max}`);
  const m = ((1 << f.width) - 1) << f.bit;
  cpu.rflags = ((cpu.rflags & ~m) | (Number(value) << f.bit)) | 0x2;
}

/** Decoded RFLAGS, e.g. "ZF PF IF". */
export function describeFlags(rflags: number): string {
  const set = FLAG_BITS.filter((f) => f.width === 1 && (rflags >>> f.bit) & 1).map((f) => f.name);
  const iopl = (rflags >>> 12) & 3;
  if (iopl) set.push(`IOPL=${iopl}`);
  return set.join(' ');
}
