// Mnemonic + operands -> bytes, driven by isa/table.ts, choosing the encoding GNU as (`as --64`,
// no -O) chooses: among all table forms that accept the operands, the shortest encoding wins, and
// ties go to the earlier table row (the table lists forms in GNU as's preference order).
import { TABLE, COND_ALIASES, type Form, type OperandSpec } from './table';
import { RIP, type AsmMemOperand, type AsmOperand, type AsmRegOperand, type EncodeRequest, type EncodeResult, type Fixup, type Size, type Symbolic } from './types';

interface Variant {
  forms: number[];
  /** operand size given by the mnemonic (AT&T suffix or a size-named mnemonic like cltq) */
  hint?: Size;
  cond?: number;
  /** jecxz: 0x67 */
  addr32?: boolean;
}

const NAMES = new Map<string, Variant[]>();
function addName(name: string, v: Variant): void {
  const list = NAMES.get(name) ?? [];
  list.push(v);
  NAMES.set(name, list);
}

const SUFFIX_SIZE: [string, Size][] = [['b', 1], ['w', 2], ['l', 4], ['q', 8]];
const SIZE_LETTER: Record<number, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q' };

function allowedSizes(fm: Form): Size[] {
  switch (fm.sz) {
    case 'b': return [1];
    case 'v': return [2, 4, 8];
    case 'd64': return [2, 8];
    case 'f64': return [8];
    case 'z': return [2, 4];
    case 'w': return [2];
    case 'd': return [4];
    case 'q': return [8];
    default: return [4];
  }
}

TABLE.forEach((fm, i) => {
  const forms = [i];
  if (fm.op === 'movzx' || fm.op === 'movsx') {
    const src = fm.operands[1].size === 'b' ? 1 : 2;
    for (const [letter, size] of SUFFIX_SIZE) if (size > src) addName(fm.mnem + SIZE_LETTER[src] + letter, { forms, hint: size });
    addName(fm.op, { forms });
    return;
  }
  if (fm.op === 'movsxd') {
    addName('movslq', { forms, hint: 8 });
    addName('movsxd', { forms });
    return;
  }
  if (fm.condInOpcode) {
    for (const [alias, cond] of Object.entries(COND_ALIASES)) {
      addName(fm.mnem + alias, { forms, cond });
      if (fm.op === 'cmovcc') for (const [letter, size] of SUFFIX_SIZE) if (size > 1) addName(fm.mnem + alias + letter, { forms, cond, hint: size });
    }
    return;
  }
  const named = new Set<Size>();
  for (const byName of [fm.attBySize, fm.intelBySize]) {
    if (!byName) continue;
    for (const [sz, name] of Object.entries(byName)) {
      addName(name, { forms, hint: +sz as Size });
      if (name === fm.mnem) named.add(+sz as Size);
    }
  }
  const baseNames = fm.mnem === 'movabs' ? ['movabs'] : [fm.mnem];
  if (fm.op === 'loopcc') baseNames.push(fm.mnem === 'loope' ? 'loopz' : 'loopnz');
  if (fm.op === 'shl') baseNames.push('sal');
  if (fm.op === 'jrcxz') addName('jecxz', { forms, addr32: true });
  for (const base of baseNames) {
    if (named.size === 0) addName(base, { forms });
    // fixed 64-bit forms take the q suffix too (GNU as: `movq %cr3,%rax`)
    if (fm.sz === 'b' || fm.sz === 'v' || fm.sz === 'd64' || fm.sz === 'z' || fm.sz === 'f64' || fm.sz === 'q') {
      for (const size of allowedSizes(fm)) addName(base + SIZE_LETTER[size], { forms, hint: size });
    }
  }
});
// `movabs $imm64,%reg`: the b8+r form under its AT&T name, at any size
TABLE.forEach((fm, i) => {
  if (fm.op === 'mov' && fm.opcodeReg && fm.sz === 'v') addName('movabs', { forms: [i] });
});

function isSym(v: unknown): v is Symbolic {
  return typeof v === 'object' && v !== null && 'ref' in (v as object);
}

function fitsSigned(v: bigint, bits: number): boolean {
  return v >= -(1n << BigInt(bits - 1)) && v < 1n << BigInt(bits - 1);
}

/** A known immediate as the instruction sees it at `size` bytes: accept signed or unsigned spellings. */
function asSized(v: bigint, size: number): bigint | null {
  const bits = BigInt(size * 8);
  if (v < -(1n << (bits - 1n)) || v >= 1n << bits) return null;
  return BigInt.asIntN(size * 8, v);
}

interface Encoding {
  bytes: number[];
  fixups: Fixup[];
}

class EncodeFail {
  constructor(readonly message: string) {}
}

/** Encode one instruction as GNU as would. Never throws. */
export function encode(req: EncodeRequest): EncodeResult {
  try {
    return encodeInner(req);
  } catch (e) {
    return { ok: false, error: e instanceof EncodeFail ? e.message : `internal encoder error: ${String(e)}` };
  }
}

function encodeInner(req: EncodeRequest): EncodeResult {
  const mnemonic = req.mnemonic.toLowerCase();
  const variants = NAMES.get(mnemonic);
  if (!variants) return { ok: false, error: `unknown instruction \`${req.mnemonic}'` };
  let operands = req.operands;
  const firstForm = TABLE[variants[0].forms[0]];
  // GNU as turns `int $3` into the one-byte int3
  if (firstForm.op === 'int' && operands.length === 1 && operands[0].kind === 'imm' && operands[0].value === 3n) {
    return { ok: true, bytes: Uint8Array.of(0xcc), fixups: [] };
  }
  // shorthands GNU as accepts
  if (operands.length === 1 && ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar'].includes(firstForm.op)) {
    operands = [operands[0], { kind: 'imm', value: 1n }];
  }
  if (operands.length === 2 && firstForm.op === 'imul' && operands[1].kind === 'imm') {
    operands = [operands[0], operands[0], operands[1]];
  }
  let best: Encoding | null = null;
  let bestImm8s = false;
  let lastError = '';
  for (const v of variants) {
    for (const fi of v.forms) {
      const fm = TABLE[fi];
      const tryOrders: AsmOperand[][] = [operands];
      // xchg and test are symmetric: GNU as accepts either operand order
      if ((fm.op === 'xchg' || (fm.op === 'test' && fm.hasModrm)) && operands.length === 2) tryOrders.push([operands[1], operands[0]]);
      for (const ops of tryOrders) {
        const r = tryForm(fm, v, ops, req);
        if (typeof r === 'string') { lastError = r; continue; }
        if (!best || r.bytes.length < best.bytes.length || (r.bytes.length === best.bytes.length && hasImm8s(fm) && !bestImm8s)) {
          best = r;
          bestImm8s = hasImm8s(fm);
        }
      }
    }
  }
  if (!best) return { ok: false, error: lastError || `invalid operands for \`${req.mnemonic}'` };
  return { ok: true, bytes: Uint8Array.from(best.bytes), fixups: best.fixups };
}

function specSize(spec: OperandSpec, opSize: Size): number {
  switch (spec.size) {
    case 'b': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 'v': case 's': return opSize;
    case 'z': return Math.min(opSize, 4);
    default: return 0;
  }
}

/** Does an explicit operand pin the operand size? (a general register in a sized slot, or a sized memory operand) */
function sizeFromOperands(fm: Form, ops: AsmOperand[]): Size | undefined {
  for (let i = 0; i < fm.operands.length; i++) {
    const spec = fm.operands[i], o = ops[i];
    if (!o || (spec.size !== 'v' && spec.size !== 'z')) continue;
    if (o.kind === 'reg' && o.cls === 'gpr' && 'EGRZA'.includes(spec.loc)) return o.size;
  }
  for (let i = 0; i < fm.operands.length; i++) {
    const spec = fm.operands[i], o = ops[i];
    if (!o || (spec.size !== 'v' && spec.size !== 'z')) continue;
    if (o.kind === 'mem' && o.size && 'EMX'.includes(spec.loc)) return o.size;
  }
  return undefined;
}

/** Register number as encoded: ah/ch/dh/bh are 4..7 (without REX). */
function encNum(r: AsmRegOperand): number {
  return r.high8 ? r.num + 4 : r.num;
}

/** A form taking a sign-extended imm8 (GNU as prefers it when lengths tie: `add $1,%ax`). */
function hasImm8s(fm: Form): boolean {
  return fm.operands.some((o) => o.loc === 'I' && o.size === 's');
}

function tryForm(fm: Form, v: Variant, ops: AsmOperand[], req: EncodeRequest): Encoding | string {
  const stringOp = fm.rep !== undefined;
  if (!(stringOp && ops.length === 0) && ops.length !== fm.operands.length) return 'operand count mismatch';
  let opSize: Size;
  const allowed = allowedSizes(fm);
  const fromOps = sizeFromOperands(fm, ops);
  if (fm.sz === 'b') opSize = 1;
  else if (fm.sz === 'v' || fm.sz === 'd64' || fm.sz === 'z') {
    const s = fromOps ?? v.hint ?? (fm.sz === 'd64' ? 8 : 4);
    if (v.hint && fromOps && v.hint !== fromOps) return 'operand size mismatch';
    opSize = s;
  } else opSize = allowed[0];
  if (!allowed.includes(opSize)) return 'operand size mismatch';
  if (v.hint && fm.sz !== 'none' && fm.sz !== 'w' && fm.sz !== 'q' && v.hint !== opSize) return 'suffix mismatch';
  // a byte form needs the size to come from the operands or a `b` suffix
  if (fm.sz === 'b' && !v.hint) {
    const byteReg = ops.some((o, i) => o.kind === 'reg' && o.cls === 'gpr' && o.size === 1 && fm.operands[i].loc !== 'C');
    const byteMem = ops.some((o) => o.kind === 'mem' && o.size === 1);
    const onlyByteForms = TABLE.every((t) => t.mnem !== fm.mnem || t.sz === 'b' || t.op !== fm.op);
    if (!byteReg && !byteMem && !onlyByteForms) return 'operand size mismatch';
  }

  let rexW = fm.sz === 'v' && opSize === 8;
  let opsize66 = (fm.sz === 'v' || fm.sz === 'd64' || fm.sz === 'z') && opSize === 2;
  if (fm.op === 'mov' && fm.opcode === 0x8e) { rexW = false; opsize66 = false; } // mov to a segment register ignores the size
  if ((fm.op === 'mov' && fm.opcode === 0x8c) || fm.op === 'str' || fm.op === 'sldt') rexW = false; // GNU as: `mov %ds,%rax` is 8c d8 (zero-extends anyway)
  if (fm.rexW) rexW = true;
  let rexR = 0, rexX = 0, rexB = 0, needRex = false, forbidRex = false;
  let regField = fm.ext ?? 0;
  let rmReg: number | null = null;
  let mem: AsmMemOperand | null = null;
  let opcodeLow = 0;
  const imms: { value: bigint | Symbolic; size: number; signed: boolean }[] = [];
  let rel: { value: Symbolic | bigint; size: 1 | 4 } | null = null;
  let moffs: AsmMemOperand | null = null;
  let seg: number | null = null;

  const noteByteReg = (r: AsmRegOperand) => {
    if (r.size !== 1) return;
    if (r.high8) forbidRex = true;
    else if (r.num >= 4) needRex = true;
  };

  if (!(stringOp && ops.length === 0)) {
    for (let i = 0; i < fm.operands.length; i++) {
      const spec = fm.operands[i], o = ops[i];
      const size = specSize(spec, opSize);
      const isGpr = o.kind === 'reg' && o.cls === 'gpr';
      switch (spec.loc) {
        case 'E': case 'R': case 'M': {
          if (o.kind === 'reg') {
            if (spec.loc === 'M') return 'memory operand required';
            if (!isGpr || o.size !== size) return 'register size mismatch';
            noteByteReg(o);
            rmReg = encNum(o);
          } else if (o.kind === 'mem') {
            if (spec.loc === 'R') return 'register operand required';
            if (o.size && size && spec.size !== '0' && o.size !== size && spec.size !== 'p') return 'memory size mismatch';
            mem = o;
          } else return 'operand type mismatch';
          break;
        }
        case 'G': case 'Z':
          if (!isGpr || o.size !== size) return 'register size mismatch';
          noteByteReg(o as AsmRegOperand);
          if (spec.loc === 'G') regField = encNum(o as AsmRegOperand);
          else {
            opcodeLow = encNum(o as AsmRegOperand);
            // 90 is nop: GNU as uses 87 c0 for xchg %eax,%eax, but 66 90 / 90 for the 16/64-bit ones
            if (fm.op === 'xchg' && opcodeLow === 0) {
              if (opSize === 4) return 'xchg with accumulator itself';
              if (opSize === 8) rexW = false;
            }
          }
          break;
        case 'A':
          if (!isGpr || o.num !== 0 || o.size !== size || o.high8) return 'accumulator required';
          break;
        case 'C':
          if (!isGpr || o.num !== 1 || o.size !== 1 || o.high8) return '%cl required';
          break;
        case 'D':
          if (isGpr && o.num === 2 && o.size === 2) break;
          if (o.kind === 'mem' && o.base === 2 && o.index === null && o.disp === 0n) break;
          return '%dx required';
        case '1':
          if (o.kind !== 'imm' || o.value !== 1n) return 'not 1';
          break;
        case 'S':
          if (o.kind !== 'reg' || o.cls !== 'seg') return 'segment register required';
          regField = o.num;
          break;
        case 'K':
          if (o.kind !== 'reg' || o.cls !== 'cr') return 'control register required';
          regField = o.num;
          break;
        case 'T':
          if (o.kind !== 'reg' || o.cls !== 'dr') return 'debug register required';
          regField = o.num;
          break;
        case 'F': case 'H':
          if (o.kind !== 'reg' || o.cls !== 'seg' || o.num !== (spec.loc === 'F' ? 4 : 5)) return 'segment register mismatch';
          break;
        case 'X': case 'Y':
          if (o.kind !== 'mem') return 'memory operand required';
          if (spec.loc === 'X' && o.seg !== null && o.seg !== 3) seg = o.seg;
          break;
        case 'O':
          if (v.forms.length !== 1 || req.mnemonic.toLowerCase().indexOf('movabs') !== 0) return 'moffs only with movabs';
          if (o.kind !== 'mem' || o.base !== null || o.index !== null) return 'absolute address required';
          moffs = o;
          if (o.seg !== null) seg = o.seg;
          break;
        case 'I': {
          if (o.kind !== 'imm') return 'immediate required';
          const n = spec.size === 's' || spec.size === 'b' ? 1 : spec.size === 'w' ? 2 : spec.size === 'z' ? Math.min(opSize, 4) : size;
          if (isSym(o.value)) {
            if (spec.size === 's') return 'symbolic immediate needs a full-size field';
            imms.push({ value: o.value, size: n, signed: n === 4 && opSize === 8 });
            break;
          }
          let val = o.value;
          if (spec.size === 's') {
            const s = asSized(val, opSize);
            if (s === null || !fitsSigned(s, 8)) return 'immediate does not fit in a sign-extended byte';
            val = s;
          } else if (spec.size === 'z' && opSize === 8) {
            const s = asSized(val, 8);
            if (s === null || !fitsSigned(s, 32)) return 'immediate does not fit in 32 bits';
            val = s;
          } else if (asSized(val, n) === null) return 'immediate out of range';
          imms.push({ value: val, size: n, signed: false });
          break;
        }
        case 'J': {
          if (o.kind !== 'rel' && o.kind !== 'imm') return 'branch target required';
          const size = spec.size === 'b' ? 1 : 4;
          const hasNear = TABLE.some((t) => t.op === fm.op && t.operands[0]?.loc === 'J' && t.operands[0].size === 'z');
          if (hasNear && (req.branchSize ?? 4) !== size) return 'branch size mismatch';
          rel = { value: o.value, size };
          break;
        }
      }
    }
  }
  if (fm.op === 'mov' && fm.opcodeReg && fm.sz === 'v' && opSize === 8 && !req.mnemonic.startsWith('movabs')) {
    // mov $imm,%r64 only becomes movabs when the immediate does not fit the c7 form
    const imm = imms[0];
    if (isSym(imm.value) || fitsSigned(imm.value as bigint, 32)) return 'c7 form preferred';
  }
  if (fm.opcodeReg) {
    if (opcodeLow >= 8) rexB = 1;
  }
  if (fm.hasModrm && fm.fixedModrm === null) {
    if (regField >= 8) rexR = 1;
    if (rmReg !== null && rmReg >= 8) rexB = 1;
  }

  const out: number[] = [];
  const fixups: Fixup[] = [];
  // prefixes, in GNU as's order: segment, address size, operand size, rep/lock, REX
  const pfx = req.prefixes ?? [];
  const memForPrefix = mem ?? moffs;
  if (memForPrefix && memForPrefix.seg !== null) seg = memForPrefix.seg;
  if (seg !== null) out.push([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65][seg]);
  const addr32 = v.addr32 || pfx.includes('addr32') || (mem?.addr32 ?? false);
  if (addr32) out.push(0x67);
  for (const p of pfx) if (p === 'data16') out.push(0x66);
  if (opsize66 || fm.mandatory === 0x66) out.push(0x66);
  for (const p of pfx) {
    if (p === 'rep' || p === 'repe' || p === 'repz') out.push(0xf3);
    else if (p === 'repne' || p === 'repnz') out.push(0xf2);
  }
  if (pfx.includes('lock')) {
    if (!fm.lockable || !mem) return 'lock prefix not allowed';
    out.push(0xf0);
  }
  if (fm.mandatory === 0xf3 || fm.mandatory === 0xf2) out.push(fm.mandatory);

  // memory operand: ModRM.mod/rm, SIB, displacement
  let modrmMod = 3, modrmRm = rmReg !== null ? rmReg & 7 : 0;
  let sib: number | null = null;
  let disp: { value: bigint | Symbolic; size: 0 | 1 | 4; pcRel: boolean } = { value: 0n, size: 0, pcRel: false };
  if (mem) {
    const m: AsmMemOperand = mem;
    if (m.index !== null && m.index >= 8) rexX = 1;
    if (m.base !== null && m.base !== RIP && m.base >= 8) rexB = 1;
    if (m.index === 4) return '%rsp cannot be an index';
    const dispKnown = !isSym(m.disp);
    const d = dispKnown ? (m.disp as bigint) : 0n;
    if (dispKnown && asSized(d, 4) === null && !(d >= -(1n << 31n) && d < 1n << 32n)) {
      if (!(m.base === null && m.index === null && BigInt.asUintN(64, d) >= 0xffffffff80000000n)) return 'displacement out of range';
    }
    const disp32 = dispKnown ? BigInt.asIntN(32, d) : m.disp;
    if (m.base === RIP) {
      modrmMod = 0; modrmRm = 5;
      disp = { value: disp32, size: 4, pcRel: true };
    } else if (m.base === null) {
      modrmMod = 0; modrmRm = 4;
      sib = ((Math.log2(m.scale) & 3) << 6) | (((m.index ?? 4) & 7) << 3) | 5;
      disp = { value: disp32, size: 4, pcRel: false };
    } else {
      const b = m.base & 7;
      if (!dispKnown) { modrmMod = 2; disp = { value: m.disp, size: 4, pcRel: false }; }
      else if (d === 0n && b !== 5) modrmMod = 0;
      else if (fitsSigned(d, 8)) { modrmMod = 1; disp = { value: d, size: 1, pcRel: false }; }
      else { modrmMod = 2; disp = { value: disp32, size: 4, pcRel: false }; }
      if (m.index !== null || b === 4) {
        modrmRm = 4;
        sib = ((Math.log2(m.scale) & 3) << 6) | (((m.index ?? 4) & 7) << 3) | b;
      } else modrmRm = b;
    }
  }
  if (pfx.includes('rex.w')) rexW = true;
  const rex = (rexW ? 8 : 0) | (rexR ? 4 : 0) | (rexX ? 2 : 0) | (rexB ? 1 : 0);
  if (rex || needRex || pfx.includes('rex')) {
    if (forbidRex) return "can't encode %ah/%bh/%ch/%dh with a REX prefix";
    out.push(0x40 | rex);
  }

  if (fm.map === 1) out.push(0x0f);
  else if (fm.map === 2) out.push(0x0f, 0x38);
  else if (fm.map === 3) out.push(0x0f, 0x3a);
  let opcode = fm.opcode;
  if (fm.opcodeReg) opcode |= opcodeLow & 7;
  if (fm.condInOpcode) opcode |= v.cond ?? 0;
  out.push(opcode);
  if (fm.fixedModrm !== null) out.push(fm.fixedModrm);
  else if (fm.hasModrm) {
    out.push((modrmMod << 6) | ((regField & 7) << 3) | modrmRm);
    if (sib !== null) out.push(sib);
  }
  const pendingRel: { offset: number; size: number; sym: unknown }[] = [];
  const field = (value: bigint | Symbolic, size: number, pcRelative: boolean, signed: boolean) => {
    const offset = out.length;
    if (isSym(value)) {
      fixups.push({ offset, size: size as 1 | 2 | 4 | 8, pcRelative, signed, ref: value.ref });
      for (let k = 0; k < size; k++) out.push(0);
    } else {
      let u = BigInt.asUintN(size * 8, value);
      for (let k = 0; k < size; k++) { out.push(Number(u & 0xffn)); u >>= 8n; }
    }
  };
  if (disp.size) field(disp.value, disp.size, disp.pcRel, true);
  if (moffs) field((moffs as AsmMemOperand).disp, addr32 ? 4 : 8, false, false);
  for (const imm of imms) field(imm.value, imm.size, false, imm.signed);
  if (rel) {
    const r = rel as { value: Symbolic | bigint; size: 1 | 4 };
    if (isSym(r.value)) field(r.value, r.size, true, true);
    else pendingRel.push({ offset: out.length, size: r.size, sym: r.value });
  }
  // a numeric branch target: an absolute address that the caller places at 0; encode it relative to
  // the end of this instruction as if the instruction starts at address 0 (GNU as does the same for .o files)
  for (const pr of pendingRel) {
    const len = out.length + pr.size;
    const delta = (pr.sym as bigint) - BigInt(len);
    if (!fitsSigned(delta, pr.size * 8)) return 'branch target out of range';
    field(delta, pr.size, false, true);
  }
  return { bytes: out, fixups };
}
