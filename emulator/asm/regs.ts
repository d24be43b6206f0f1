// Register names as the assembler reads them (AT&T without the %, Intel as is).
import type { AsmRegOperand, Size } from '../isa/types';

const Q = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const D = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const W = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const B = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
const H = ['ah', 'ch', 'dh', 'bh'];
const SEG = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

const TABLE = new Map<string, AsmRegOperand>();
function gpr(name: string, num: number, size: Size, high8 = false) {
  TABLE.set(name, high8 ? { kind: 'reg', cls: 'gpr', num, size, high8 } : { kind: 'reg', cls: 'gpr', num, size });
}
for (let i = 0; i < 8; i++) {
  gpr(Q[i], i, 8); gpr(D[i], i, 4); gpr(W[i], i, 2); gpr(B[i], i, 1);
}
for (let i = 0; i < 4; i++) gpr(H[i], i, 1, true);
for (let i = 8; i < 16; i++) {
  gpr(`r${i}`, i, 8); gpr(`r${i}d`, i, 4); gpr(`r${i}w`, i, 2); gpr(`r${i}b`, i, 1); gpr(`r${i}l`, i, 1);
}
SEG.forEach((n, i) => TABLE.set(n, { kind: 'reg', cls: 'seg', num: i, size: 2 }));
for (let i = 0; i < 16; i++) TABLE.set(`cr${i}`, { kind: 'reg', cls: 'cr', num: i, size: 8 });
for (let i = 0; i < 8; i++) TABLE.set(`db${i}`, { kind: 'reg', cls: 'dr', num: i, size: 8 });
for (let i = 0; i < 8; i++) TABLE.set(`dr${i}`, { kind: 'reg', cls: 'dr', num: i, size: 8 });

/** The register called `name` (case-insensitive, no %), or undefined. `rip`/`eip` are not here. */
export function lookupRegister(name: string): AsmRegOperand | undefined {
  const r = TABLE.get(name.toLowerCase());
  return r ? { ...r } : undefined;
}

export function isRipName(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'rip' || n === 'eip';
}
