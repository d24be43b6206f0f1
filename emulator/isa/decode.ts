// Bytes -> Instruction, driven by isa/table.ts. Lookup maps are built once at module load; decoding
// one instruction only looks at the few table rows that share its opcode byte.
import { TABLE, type Form, type OperandSpec } from './table';
import { RIP, type Instruction, type MemOperand, type Operand, type RegOperand, type SegNum, type Size } from './types';

export interface DecodeError {
  error: string;
  /** bytes consumed up to the point of failure (at least 1) */
  length: number;
}

export function isDecodeError(x: Instruction | DecodeError): x is DecodeError {
  return (x as DecodeError).error !== undefined;
}

/** Candidate form indices by (map << 8 | opcode byte). */
const CANDIDATES: number[][] = Array.from({ length: 4 * 256 }, () => []);
TABLE.forEach((form, i) => {
  const n = form.opcodeReg ? 8 : form.condInOpcode ? 16 : 1;
  for (let k = 0; k < n; k++) CANDIDATES[(form.map << 8) | (form.opcode + k)].push(i);
});
// Forms with a mandatory prefix are tried first (f3 0f bc tzcnt before 0f bc bsf).
for (const list of CANDIDATES) list.sort((a, b) => (TABLE[b].mandatory ? 1 : 0) - (TABLE[a].mandatory ? 1 : 0));

const SEG_PREFIX: Record<number, SegNum> = { 0x26: 0, 0x2e: 1, 0x36: 2, 0x3e: 3, 0x64: 4, 0x65: 5 };

/** Reasons kept short: the CPU reports them as #UD. */
function fail(error: string, length: number): DecodeError {
  return { error, length: Math.max(1, length) };
}

/**
 * Decode one instruction at bytes[offset]. `address` is the guest address of bytes[offset]
 * (for rip-relative operands and branch targets). Never throws.
 */
export function decode(bytes: Uint8Array, offset: number, address: bigint): Instruction | DecodeError {
  const end = Math.min(bytes.length, offset + 15);
  let p = offset;
  let lock = false, opsizePrefix = 0, addr32 = false, repByte = 0;
  let seg: SegNum | null = null;
  let rex = 0;
  // legacy prefixes, then an optional REX immediately before the opcode
  for (;;) {
    if (p >= end) return fail('truncated instruction', p - offset);
    const b = bytes[p];
    if (b === 0xf0) lock = true;
    else if (b === 0xf2 || b === 0xf3) repByte = b;
    else if (b === 0x66) opsizePrefix++;
    else if (b === 0x67) addr32 = true;
    else if (b in SEG_PREFIX) seg = SEG_PREFIX[b];
    else break;
    p++;
  }
  if ((bytes[p] & 0xf0) === 0x40) {
    rex = bytes[p++];
    if (p >= end) return fail('truncated instruction', p - offset);
  }
  const rexW = (rex & 8) !== 0, rexR = (rex & 4) ? 8 : 0, rexX = (rex & 2) ? 8 : 0, rexB = (rex & 1) ? 8 : 0;

  let map = 0;
  let opc = bytes[p++];
  if (opc === 0x0f) {
    if (p >= end) return fail('truncated instruction', p - offset);
    opc = bytes[p++];
    map = 1;
    if (opc === 0x38 || opc === 0x3a) {
      if (p >= end) return fail('truncated instruction', p - offset);
      map = opc === 0x38 ? 2 : 3;
      opc = bytes[p++];
    }
  }
  const cands = CANDIDATES[(map << 8) | opc];
  if (cands.length === 0) return fail('unsupported opcode', p - offset);
  const needsModrm = TABLE[cands[0]].hasModrm;
  let modrm = -1;
  if (needsModrm) {
    if (p >= end) return fail('truncated instruction', p - offset);
    modrm = bytes[p];
  }
  const mod = modrm >> 6, regField = (modrm >> 3) & 7;

  let form: Form | undefined;
  let formIndex = -1;
  for (const i of cands) {
    const fm = TABLE[i];
    if (fm.mandatory) {
      if (fm.mandatory === 0xf3 || fm.mandatory === 0xf2) { if (repByte !== fm.mandatory) continue; }
      else if (!opsizePrefix) continue;
    }
    if (fm.hasModrm !== needsModrm) continue;
    if (fm.ext !== null && fm.ext !== regField) continue;
    if (fm.fixedModrm !== null && fm.fixedModrm !== modrm) continue;
    if (fm.rexW && !rexW) continue;
    if (fm.hasModrm && fm.fixedModrm === null) {
      const rm = fm.operands.find((o) => o.loc === 'E' || o.loc === 'R' || o.loc === 'M');
      const forcedReg = fm.operands.some((o) => o.loc === 'K' || o.loc === 'T');
      if (rm && !forcedReg) {
        if (rm.loc === 'R' && mod !== 3) continue;
        if (rm.loc === 'M' && mod === 3) continue;
      }
    }
    // 90 is nop unless REX.B names r8, or a 66 prefix makes it `xchg %ax,%ax`
    if (fm.op === 'xchg' && fm.opcodeReg && (opc & 7) === 0 && !rexB && !opsizePrefix) continue;
    if (fm.op === 'nop' && fm.opcode === 0x90 && !fm.hasModrm && (rexB || opsizePrefix)) continue;
    form = fm;
    formIndex = i;
    break;
  }
  if (!form) return fail('unsupported instruction', p - offset + (needsModrm ? 1 : 0));
  if (needsModrm) p++;

  // operand size
  let opSize: Size;
  switch (form.sz) {
    case 'b': opSize = 1; break;
    case 'v': opSize = rexW ? 8 : opsizePrefix && form.mandatory !== 0x66 ? 2 : 4; break;
    case 'd64': opSize = opsizePrefix ? 2 : 8; break;
    case 'f64': opSize = 8; break;
    case 'z': opSize = opsizePrefix ? 2 : 4; break;
    case 'w': opSize = 2; break;
    case 'd': opSize = 4; break;
    case 'q': opSize = 8; break;
    default: opSize = 4; break;
  }
  const addrSize: 4 | 8 = addr32 ? 4 : 8;

  // memory operand from ModRM (+SIB, displacement)
  let mem: MemOperand | null = null;
  const forcedReg = form.operands.some((o) => o.loc === 'K' || o.loc === 'T');
  if (needsModrm && mod !== 3 && form.fixedModrm === null && !forcedReg) {
    let base: number | typeof RIP | null = null;
    let index: number | null = null;
    let scale: 1 | 2 | 4 | 8 = 1;
    let dispSize: 0 | 1 | 4 = 0;
    let sib = false;
    const rm = modrm & 7;
    if (rm === 4) {
      if (p >= end) return fail('truncated instruction', p - offset);
      const s = bytes[p++];
      sib = true;
      scale = (1 << (s >> 6)) as 1 | 2 | 4 | 8;
      const idx = ((s >> 3) & 7) | rexX;
      index = idx === 4 ? null : idx;
      const b = s & 7;
      if (b === 5 && mod === 0) { base = null; dispSize = 4; } else base = b | rexB;
    } else if (rm === 5 && mod === 0) {
      base = RIP;
      dispSize = 4;
    } else base = rm | rexB;
    if (mod === 1) dispSize = 1;
    else if (mod === 2) dispSize = 4;
    let disp = 0n;
    if (dispSize) {
      if (p + dispSize > end) return fail('truncated instruction', end - offset);
      disp = dispSize === 1 ? BigInt((bytes[p] << 24) >> 24) : BigInt(bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24));
      p += dispSize;
    }
    mem = { kind: 'mem', size: 0, seg, base, index, scale, disp, addrSize, dispSize, sib };
  }

  const operands: Operand[] = [];
  let relDisp: bigint | null = null;
  let relIndex = -1;
  for (const spec of form.operands) {
    const size = specSize(spec, opSize);
    switch (spec.loc) {
      case 'E': case 'R': case 'M':
        if (mem) operands.push({ ...mem, size: spec.size === '0' ? 0 : size });
        else operands.push(gpr((modrm & 7) | rexB, size as Size, rex !== 0));
        break;
      case 'G':
        operands.push(gpr(regField | rexR, size as Size, rex !== 0));
        break;
      case 'Z':
        operands.push(gpr((opc & 7) | rexB, size as Size, rex !== 0));
        break;
      case 'A': operands.push({ kind: 'reg', cls: 'gpr', num: 0, size: size as Size }); break;
      case 'C': operands.push({ kind: 'reg', cls: 'gpr', num: 1, size: 1 }); break;
      case 'D': operands.push({ kind: 'reg', cls: 'gpr', num: 2, size: 2 }); break;
      case '1': operands.push({ kind: 'imm', value: 1n, size: 1 }); break;
      case 'F': operands.push({ kind: 'reg', cls: 'seg', num: 4, size: 2 }); break;
      case 'H': operands.push({ kind: 'reg', cls: 'seg', num: 5, size: 2 }); break;
      case 'S':
        if (regField > 5) return fail('bad segment register', p - offset);
        operands.push({ kind: 'reg', cls: 'seg', num: regField, size: 2 });
        break;
      case 'K': {
        const n = regField | rexR;
        if (n !== 0 && n !== 2 && n !== 3 && n !== 4 && n !== 8) return fail('bad control register', p - offset);
        operands.push({ kind: 'reg', cls: 'cr', num: n, size: 8 });
        break;
      }
      case 'T':
        if (rexR) return fail('bad debug register', p - offset);
        operands.push({ kind: 'reg', cls: 'dr', num: regField, size: 8 });
        break;
      case 'X':
        operands.push({ kind: 'mem', size, seg, base: 6, index: null, scale: 1, disp: 0n, addrSize, dispSize: 0 });
        break;
      case 'Y':
        operands.push({ kind: 'mem', size, seg: null, base: 7, index: null, scale: 1, disp: 0n, addrSize, dispSize: 0 });
        break;
      case 'O': {
        const n = addrSize;
        if (p + n > end) return fail('truncated instruction', end - offset);
        const v = readLE(bytes, p, n);
        p += n;
        operands.push({ kind: 'mem', size, seg, base: null, index: null, scale: 1, disp: n === 8 ? BigInt.asIntN(64, v) : v, addrSize, dispSize: n });
        break;
      }
      case 'I': {
        // bytes in the instruction stream, then extension to the operand's size
        const n = spec.size === 's' || spec.size === 'b' ? 1 : spec.size === 'w' ? 2 : spec.size === 'z' ? Math.min(opSize, 4) : size;
        if (p + n > end) return fail('truncated instruction', end - offset);
        let v = readLE(bytes, p, n);
        p += n;
        const immSize = (spec.size === 's' || spec.size === 'z' ? opSize : n) as Size;
        if (immSize > n) v = BigInt.asUintN(immSize * 8, BigInt.asIntN(n * 8, v));
        operands.push({ kind: 'imm', value: v, size: immSize });
        break;
      }
      case 'J': {
        const n = spec.size === 'b' ? 1 : 4;
        if (p + n > end) return fail('truncated instruction', end - offset);
        relDisp = BigInt.asIntN(n * 8, readLE(bytes, p, n));
        p += n;
        relIndex = operands.length;
        operands.push({ kind: 'rel', target: 0n });
        break;
      }
    }
  }
  const length = p - offset;
  if (relDisp !== null) {
    const target = BigInt.asUintN(64, address + BigInt(length) + relDisp);
    operands[relIndex] = { kind: 'rel', target };
  }
  if (lock && !(form.lockable && operands[0]?.kind === 'mem')) return fail('lock prefix not allowed here', length);

  let rep: Instruction['rep'] = null;
  if (repByte && form.mandatory !== repByte) rep = repByte === 0xf3 ? 'rep' : 'repne';
  const insn: Instruction = {
    address, length, bytes: bytes.slice(offset, p), op: form.op, operands, opSize, addrSize, rep, lock, seg, form: formIndex,
  };
  if (form.condInOpcode) insn.cond = opc & 15;
  else if (form.op === 'loopcc') insn.cond = opc === 0xe1 ? 4 : 5;
  return insn;
}

function specSize(spec: OperandSpec, opSize: Size): number {
  switch (spec.size) {
    case 'b': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 'v': case 's': return opSize;
    case 'z': return Math.min(opSize, 4);
    case 'p': return 10;
    default: return 0;
  }
}

function gpr(num: number, size: Size, hasRex: boolean): RegOperand {
  if (size === 1 && !hasRex && num >= 4 && num < 8) return { kind: 'reg', cls: 'gpr', num: num - 4, size: 1, high8: true };
  return { kind: 'reg', cls: 'gpr', num, size };
}

function readLE(bytes: Uint8Array, p: number, n: number): bigint {
  if (n <= 4) {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[p + i];
    return BigInt(v);
  }
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[p + i]);
  return v;
}
