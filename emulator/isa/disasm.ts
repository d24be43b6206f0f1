// Instruction -> text, as `objdump -d -M att` (binutils 2.40) prints it, plus a cheap Intel form.
import { TABLE, COND_NAMES, type Form } from './table';
import { decode, isDecodeError } from './decode';
import { gprName, SEG_NAMES, regName } from './registers';
import { RIP, type Instruction, type MemOperand, type Operand } from './types';

export type Symbolizer = (addr: bigint) => string | undefined;

const SUFFIX: Record<number, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q' };

function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

function signedHex(v: bigint): string {
  return v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16);
}

/** Prefix bytes as they appear in the encoding (objdump prints the ones that do nothing by name). */
function prefixInfo(insn: Instruction): { opsizeCount: number; addr32: boolean; segBytes: number[]; rex: number } {
  let opsizeCount = 0, addr32 = false, rex = 0;
  const segBytes: number[] = [];
  for (const b of insn.bytes) {
    if (b === 0x66) opsizeCount++;
    else if (b === 0x67) addr32 = true;
    else if (b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e || b === 0x64 || b === 0x65) segBytes.push(b);
    else if (b === 0xf0 || b === 0xf2 || b === 0xf3) continue;
    else if ((b & 0xf0) === 0x40) { rex = b; break; } else break;
  }
  return { opsizeCount, addr32, segBytes, rex };
}

/** The mnemonic objdump prints (AT&T), with its size suffix when objdump adds one. */
function attMnemonic(insn: Instruction, form: Form): string {
  const op = form.op;
  if (form.attBySize && form.attBySize[insn.opSize]) return form.attBySize[insn.opSize]!;
  if (insn.cond !== undefined && (op === 'jcc' || op === 'setcc' || op === 'cmovcc')) return form.mnem + COND_NAMES[insn.cond];
  if (op === 'movzx' || op === 'movsx') return form.mnem + SUFFIX[form.operands[1].size === 'b' ? 1 : 2] + SUFFIX[insn.opSize];
  if (op === 'jrcxz') return insn.addrSize === 4 ? 'jecxz' : 'jrcxz';
  if (op === 'movs' || op === 'cmps' || op === 'ins' || op === 'outs') return form.mnem + SUFFIX[form.sz === 'z' ? Math.min(insn.opSize, 4) : insn.opSize];
  if (op === 'lods' || op === 'stos' || op === 'scas') return form.mnem;
  // otherwise a suffix only when no register operand tells the size
  const sizedByReg = form.operands.some((s, i) => {
    const o = insn.operands[i];
    return o.kind === 'reg' && o.cls === 'gpr' && s.loc !== 'C' && s.loc !== 'D';
  });
  const hasMemOrImmOnly = insn.operands.some((o) => o.kind === 'mem') || (insn.operands.length > 0 && insn.operands.every((o) => o.kind === 'imm'));
  if (form.attBySize) return form.mnem;
  if (form.sz === 'd64' && insn.opSize === 2 && !sizedByReg) return form.mnem + 'w';
  if (op === 'mov' && form.operands.some((s) => s.loc === 'O') && insn.addrSize === 4) return 'mov';
  if (sizedByReg || !hasMemOrImmOnly) return form.mnem;
  if (form.sz === 'b' || form.sz === 'v') {
    if (op === 'setcc') return form.mnem;
    return form.mnem + SUFFIX[insn.opSize];
  }

  return form.mnem;
}

function memText(m: MemOperand, insn: Instruction, implicitSeg: string | null, omitSeg = false): string {
  let s = '';
  if (!omitSeg) {
    if (m.seg !== null) s += '%' + SEG_NAMES[m.seg] + ':';
    else if (implicitSeg) s += '%' + implicitSeg + ':';
  }
  const a = m.addrSize;
  const rn = (n: number) => '%' + gprName(n, a);
  if (m.base === null && m.index === null) {
    const v = a === 8 ? BigInt.asUintN(64, m.disp) : BigInt.asUintN(32, m.disp);
    if (m.sib && m.scale !== 1) return s + hex(v) + `(,%${a === 8 ? 'riz' : 'eiz'},${m.scale})`;
    return s + hex(v);
  }
  if (m.base === RIP) return s + signedHex(a === 8 ? m.disp : BigInt.asIntN(32, m.disp)) + (a === 8 ? '(%rip)' : '(%eip)');
  if (m.dispSize || m.base === null) s += signedHex(m.disp);
  s += '(';
  if (m.base !== null) s += rn(m.base);
  if (m.index !== null) s += ',' + rn(m.index) + ',' + m.scale;
  else if (m.sib && m.base !== null && ((m.base & 7) !== 4 || m.scale !== 1)) s += `,%${a === 8 ? 'riz' : 'eiz'},${m.scale}`;
  return s + ')';
}

function target(addr: bigint, symbolize?: Symbolizer): string {
  const sym = symbolize?.(addr);
  return sym ? `${addr.toString(16)} <${sym}>` : hex(addr);
}

/** One instruction in objdump's AT&T syntax (the text after the bytes column). */
export function formatAtt(insn: Instruction, symbolize?: Symbolizer): string {
  const form = TABLE[insn.form];
  const op = form.op;
  const pre = prefixInfo(insn);
  let prefix = '';
  // objdump names cs/ds/es/ss in front of a nop instead of in its (unaccessed) memory operand
  const isNop = op === 'nop' && insn.seg !== null && insn.seg <= 3;
  // prefixes that objdump names in front of the mnemonic
  const hasModrmMem = insn.operands.some((o, i) => o.kind === 'mem' && 'EMR'.includes(form.operands[i].loc));
  const usesOpsize = form.sz === 'v' || form.sz === 'd64' || form.sz === 'z';
  const extraData16 = pre.opsizeCount - (usesOpsize && form.mandatory !== 0x66 ? 1 : 0) - (form.mandatory === 0x66 ? 1 : 0);
  for (let i = 0; i < extraData16; i++) prefix += 'data16 ';
  const segUsedInOperand = !isNop && insn.operands.some((o) => o.kind === 'mem' && form.operands[insn.operands.indexOf(o)].loc !== 'Y');
  if (insn.seg !== null && !segUsedInOperand) prefix += SEG_NAMES[insn.seg] + ' ';
  if (pre.addr32 && !hasModrmMem && op !== 'jrcxz' && !form.rep) prefix += 'addr32 ';
  if (insn.lock) prefix += 'lock ';
  if (insn.rep) {
    const isBranch = op === 'jmp' || op === 'call' || op === 'ret' || op === 'jcc';
    if (form.rep === 'rep') prefix += insn.rep === 'rep' ? 'rep ' : 'repnz ';
    else if (insn.rep === 'repne' && isBranch) prefix += 'bnd ';
    else prefix += insn.rep === 'rep' ? 'repz ' : 'repnz ';
  }
  const mnem = prefix + attMnemonic(insn, form);

  const parts: string[] = [];
  let comment = '';
  const indirect = (op === 'jmp' || op === 'call') && form.operands[0].loc === 'E';
  for (let i = insn.operands.length - 1; i >= 0; i--) {
    const o = insn.operands[i];
    const spec = form.operands[i];
    if (spec.loc === '1') continue; // objdump prints `shl %eax` for the by-one forms
    let t = operandText(o, insn, spec.loc, isNop);
    if (indirect) t = '*' + t;
    parts.push(t);
    if (o.kind === 'mem' && o.base === RIP) {
      const tgt = BigInt.asUintN(o.addrSize === 8 ? 64 : 32, insn.address + BigInt(insn.length) + o.disp);
      comment = '        # ' + target(tgt, symbolize);
    }
    if (o.kind === 'rel') parts[parts.length - 1] = target(o.target, symbolize);
  }
  if (op === 'enter') parts.reverse(); // objdump keeps Intel order for enter
  if (parts.length === 0) return mnem;
  return mnem.padEnd(6) + ' ' + parts.join(',') + comment;
}

function operandText(o: Operand, insn: Instruction, loc: string, omitSeg: boolean): string {
  switch (o.kind) {
    case 'reg':
      if (loc === 'D') return '(%dx)';
      return '%' + regName(o);
    case 'imm':
      return '$' + hex(o.value);
    case 'rel':
      return hex(o.target);
    case 'mem':
      if (loc === 'X') return memText(o, insn, 'ds');
      if (loc === 'Y') return memText({ ...o, seg: null }, insn, 'es');
      return memText(o, insn, null, omitSeg);
  }
}

/** Intel syntax (objdump -M intel style), best effort: used for hover text, not compared byte-for-byte. */
export function formatIntel(insn: Instruction, symbolize?: Symbolizer): string {
  const form = TABLE[insn.form];
  let mnem = form.intelBySize?.[insn.opSize] ?? (form.op === 'jcc' || form.op === 'setcc' || form.op === 'cmovcc' ? form.mnem + COND_NAMES[insn.cond!] : form.op === 'loopcc' ? form.mnem : form.op);
  if (form.op === 'movs' || form.op === 'cmps' || form.op === 'stos' || form.op === 'lods' || form.op === 'scas' || form.op === 'ins' || form.op === 'outs') {
    mnem = form.op + 'bwdq'[[1, 2, 4, 8].indexOf(form.sz === 'z' ? Math.min(insn.opSize, 4) : insn.opSize)];
    return (insn.rep ? (form.rep === 'repcc' ? (insn.rep === 'rep' ? 'repe ' : 'repne ') : 'rep ') : '') + mnem;
  }
  const ptr: Record<number, string> = { 1: 'BYTE PTR ', 2: 'WORD PTR ', 4: 'DWORD PTR ', 8: 'QWORD PTR ', 10: 'TBYTE PTR ' };
  const parts = insn.operands.map((o) => {
    switch (o.kind) {
      case 'reg': return regName(o);
      case 'imm': return hex(o.value);
      case 'rel': return target(o.target, symbolize);
      case 'mem': {
        const a = o.addrSize;
        let s = (ptr[o.size] ?? '') + (o.seg !== null ? SEG_NAMES[o.seg] + ':' : '');
        if (o.base === null && o.index === null) return s + 'ds:' + hex(BigInt.asUintN(a * 8, o.disp));
        const terms: string[] = [];
        if (o.base === RIP) terms.push(a === 8 ? 'rip' : 'eip');
        else if (o.base !== null) terms.push(gprName(o.base, a));
        if (o.index !== null) terms.push(gprName(o.index, a) + '*' + o.scale);
        let inner = terms.join('+');
        if (o.disp !== 0n || o.dispSize) inner += (o.disp < 0n ? '-' : '+') + hex(o.disp < 0n ? -o.disp : o.disp);
        s += '[' + inner + ']';
        return s;
      }
    }
  });
  const pre = (insn.lock ? 'lock ' : '') + (insn.rep ? (insn.rep === 'rep' ? 'repz ' : 'repnz ') : '');
  return parts.length ? (pre + mnem).padEnd(6) + ' ' + parts.join(',') : pre + mnem;
}

/**
 * Disassemble a run of bytes loaded at `base`, one objdump-style line per instruction (and
 * continuation lines for bytes past the 7th), e.g. `  401000:\t48 c7 c0 3c 00 00 00 \tmov    $0x3c,%rax`.
 * Bytes that do not decode print as `(bad)` and advance by the decoder's error length.
 */
export function disassembleBlock(bytes: Uint8Array, base: bigint, symbolize?: Symbolizer): string[] {
  const lines: string[] = [];
  const last = base + BigInt(Math.max(0, bytes.length));
  const full = last.toString(16).padStart(16, '0');
  let zeros = 0;
  while (zeros < full.length && full[zeros] === '0') zeros++;
  const skip = Math.max(0, (zeros - 1) & ~3);
  const addrText = (a: bigint) => {
    const s = a.toString(16).padStart(16, '0').slice(skip);
    const t = s.replace(/^0+/, '');
    return (t === '' ? '0' : t).padStart(s.length);
  };
  let off = 0;
  while (off < bytes.length) {
    const addr = base + BigInt(off);
    const r = decode(bytes, off, addr);
    const len = isDecodeError(r) ? 1 : r.length;
    const text = isDecodeError(r) ? '(bad)' : formatAtt(r, symbolize);
    const hexBytes = (from: number, to: number) => Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0') + ' ').join('');
    const firstEnd = Math.min(off + len, off + 7);
    lines.push(`${addrText(addr)}:\t${hexBytes(off, firstEnd).padEnd(21)}\t${text}`);
    for (let c = firstEnd; c < off + len; c += 7) {
      lines.push(`${addrText(base + BigInt(c))}:\t${hexBytes(c, Math.min(off + len, c + 7))}`);
    }
    off += len;
  }
  return lines;
}
