// Register names, both ways. The same names serve AT&T (written with a leading %) and Intel syntax.
import type { AsmRegOperand, Size } from './types';

export const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
export const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
export const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
/** byte registers as numbered with a REX prefix present (spl/bpl/sil/dil for 4..7) */
export const GPR8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];
/** ah, ch, dh, bh: encoded as 4..7 without REX; here indexed by the register they are part of (0..3) */
export const GPR8_HIGH = ['ah', 'ch', 'dh', 'bh'];
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

/** Name of a general register of the given size. */
export function gprName(num: number, size: Size, high8 = false): string {
  if (high8) return GPR8_HIGH[num];
  switch (size) {
    case 8: return GPR64[num];
    case 4: return GPR32[num];
    case 2: return GPR16[num];
    default: return GPR8[num];
  }
}

/** Name of any register operand (no % prefix). */
export function regName(r: { cls: 'gpr' | 'seg' | 'cr' | 'dr'; num: number; size: Size; high8?: boolean }): string {
  switch (r.cls) {
    case 'gpr': return gprName(r.num, r.size, r.high8);
    case 'seg': return SEG_NAMES[r.num];
    case 'cr': return `cr${r.num}`;
    case 'dr': return `db${r.num}`;
  }
}

const LOOKUP = new Map<string, AsmRegOperand>();
for (let i = 0; i < 16; i++) {
  LOOKUP.set(GPR64[i], { kind: 'reg', cls: 'gpr', num: i, size: 8 });
  LOOKUP.set(GPR32[i], { kind: 'reg', cls: 'gpr', num: i, size: 4 });
  LOOKUP.set(GPR16[i], { kind: 'reg', cls: 'gpr', num: i, size: 2 });
  LOOKUP.set(GPR8[i], { kind: 'reg', cls: 'gpr', num: i, size: 1 });
  LOOKUP.set(`cr${i}`, { kind: 'reg', cls: 'cr', num: i, size: 8 });
}
for (let i = 8; i < 16; i++) LOOKUP.set(`r${i}l`, { kind: 'reg', cls: 'gpr', num: i, size: 1 }); // Intel's r8l spelling
for (let i = 0; i < 4; i++) LOOKUP.set(GPR8_HIGH[i], { kind: 'reg', cls: 'gpr', num: i, size: 1, high8: true });
for (let i = 0; i < 6; i++) LOOKUP.set(SEG_NAMES[i], { kind: 'reg', cls: 'seg', num: i, size: 2 });
for (let i = 0; i < 8; i++) {
  LOOKUP.set(`db${i}`, { kind: 'reg', cls: 'dr', num: i, size: 8 });
  LOOKUP.set(`dr${i}`, { kind: 'reg', cls: 'dr', num: i, size: 8 });
}

/**
 * Look up a register by name: 'rax', 'eax', 'al', 'ah', 'r8d', 'r8w', 'r8b', 'spl', 'cs', 'cr3', 'dr7'.
 * Case-insensitive; a leading '%' is accepted. Returns a fresh object (callers may keep it).
 * 'rip'/'eip' are not operands (use parseRegister only for operands; see isRipName).
 */
export function parseRegister(name: string): AsmRegOperand | undefined {
  const key = (name.startsWith('%') ? name.slice(1) : name).toLowerCase();
  const r = LOOKUP.get(key);
  return r ? { ...r } : undefined;
}

/** True for 'rip' (and '%rip'): only valid as a memory base. */
export function isRipName(name: string): boolean {
  const key = (name.startsWith('%') ? name.slice(1) : name).toLowerCase();
  return key === 'rip';
}
