// The one instruction table. The decoder, the encoder and the disassembler are all driven by it,
// and the CPU dispatches on its `op` column (Instruction.op), with operands in Intel order.
//
// Each row is one encoding form. Reading a row:
//   op        semantic key the CPU switches on (SDM mnemonic, lower case, cc folded out)
//   mnem      base mnemonic as objdump prints it in AT&T syntax, before any size suffix
//   code      opcode spec: optional mandatory prefix (66/f2/f3), the opcode bytes, then
//             /r (ModRM with a register operand), /0../7 (ModRM.reg is an opcode extension),
//             +r (register number in the low 3 opcode bits), +cc (condition in the low 4 bits),
//             :xx (a fixed ModRM byte, e.g. swapgs = 0f 01 :f8)
//   ops       operand specs, Intel order (destination first). One letter for where the operand
//             lives, then its size:
//               E  ModRM r/m, register or memory       G  ModRM.reg general register
//               R  ModRM r/m, register only            M  ModRM r/m, memory only
//               I  immediate                           J  relative branch target
//               Z  general register in the opcode's low 3 bits (+ REX.B)
//               A  the accumulator (al/ax/eax/rax)     C  %cl         D  %dx (port)
//               1  the constant 1 (shifts)             S  segment register in ModRM.reg
//               K  control register in ModRM.reg       T  debug register in ModRM.reg
//               F  %fs, H %gs (push/pop)               X  %ds:(%rsi)   Y  %es:(%rdi)
//               O  absolute 64-bit address (movabs moffs)
//             Sizes: b=1 w=2 d=4 q=8 v=operand size  z=min(operand size,4) (imm16/32)
//                    s=imm8 sign-extended to the operand size   0=no memory access (lea, invlpg)
//                    p=pseudo-descriptor (lgdt/sgdt: 10 bytes)
//   sz        operand-size rule: b (byte op), v (16/32/64: 66 prefix -> 16, REX.W -> 64, else 32),
//             d64 (16/64, default 64: push/pop), f64 (always 64: near branches), z (16/32: in/out),
//             w, d, q (fixed), none (no operand size)
//   flags     [written, undefined] as space-separated flag names (CF PF AF ZF SF OF DF IF TF AC).
//             "undefined" flags hold architecturally undefined values after the instruction; the
//             CPU may leave any value there and differential tests mask them. `note` says more when
//             the rule depends on the count (shifts) or the result.
import type { Size } from './types';

export type SizeRule = 'b' | 'v' | 'd64' | 'f64' | 'z' | 'w' | 'd' | 'q' | 'none';
export type OperandLoc = 'E' | 'G' | 'R' | 'M' | 'I' | 'J' | 'Z' | 'A' | 'C' | 'D' | '1' | 'S' | 'K' | 'T' | 'F' | 'H' | 'X' | 'Y' | 'O';
export type OperandSizeCode = 'b' | 'w' | 'd' | 'q' | 'v' | 'z' | 's' | '0' | 'p';

export interface OperandSpec {
  loc: OperandLoc;
  size: OperandSizeCode;
}

export type FlagName = 'CF' | 'PF' | 'AF' | 'ZF' | 'SF' | 'OF' | 'DF' | 'IF' | 'TF' | 'AC';

/** RFLAGS bit positions. */
export const FLAG_BIT: Record<FlagName, number> = { CF: 0, PF: 2, AF: 4, ZF: 6, SF: 7, TF: 8, IF: 9, DF: 10, OF: 11, AC: 18 };

export interface Form {
  op: string;
  mnem: string;
  /** opcode map: 0 one-byte, 1 = 0f, 2 = 0f 38, 3 = 0f 3a */
  map: 0 | 1 | 2 | 3;
  /** the opcode byte in that map (low bits 0 for +r / +cc forms) */
  opcode: number;
  /** mandatory prefix (66/f2/f3) or 0 */
  mandatory: 0 | 0x66 | 0xf2 | 0xf3;
  hasModrm: boolean;
  /** ModRM.reg opcode extension, or null */
  ext: number | null;
  /** whole ModRM byte fixed (0f 01 f8 swapgs), or null */
  fixedModrm: number | null;
  opcodeReg: boolean;
  condInOpcode: boolean;
  /** REX.W required (true), or unspecified (undefined) */
  rexW?: boolean;
  sz: SizeRule;
  operands: OperandSpec[];
  /** flags written with a defined value */
  writes: FlagName[];
  /** flags left undefined */
  undef: FlagName[];
  /** same as writes/undef as RFLAGS bit masks */
  writesMask: number;
  undefMask: number;
  /** lock prefix legal (when the destination is memory) */
  lockable: boolean;
  /** rep prefix meaning: 'rep' (movs/stos/lods/ins/outs), 'repcc' (cmps/scas: repe/repne) */
  rep?: 'rep' | 'repcc';
  /** AT&T mnemonic by operand size, when the size is part of the name (cbtw/cwtl/cltq, sysretq) */
  attBySize?: Partial<Record<Size, string>>;
  /** Intel mnemonic by operand size (cbw/cwde/cdqe) */
  intelBySize?: Partial<Record<Size, string>>;
  /** 'sysret' (0f 07) etc.: the condition code for +cc forms is added by the decoder */
  note?: string;
}

const ARITH: [FlagName[], FlagName[]] = [['CF', 'PF', 'AF', 'ZF', 'SF', 'OF'], []];
const LOGIC: [FlagName[], FlagName[]] = [['CF', 'PF', 'ZF', 'SF', 'OF'], ['AF']];
const NONE: [FlagName[], FlagName[]] = [[], []];
const ALL6: FlagName[] = ['CF', 'PF', 'AF', 'ZF', 'SF', 'OF'];

export const TABLE: Form[] = [];

interface Extra {
  lock?: boolean;
  rep?: 'rep' | 'repcc';
  w?: boolean;
  att?: Partial<Record<Size, string>>;
  intel?: Partial<Record<Size, string>>;
  note?: string;
}

function flagMask(names: FlagName[]): number {
  let m = 0;
  for (const n of names) m |= 1 << FLAG_BIT[n];
  return m;
}

/** Add one form. See the header for the meaning of each column. */
function f(op: string, mnem: string, code: string, ops: string, sz: SizeRule, flags: [FlagName[], FlagName[]] = NONE, extra: Extra = {}): void {
  const toks = code.split(' ');
  let mandatory: Form['mandatory'] = 0;
  if ((toks[0] === '66' || toks[0] === 'f2' || toks[0] === 'f3') && toks.length > 1) {
    mandatory = parseInt(toks.shift()!, 16) as Form['mandatory'];
  }
  let map: Form['map'] = 0;
  if (toks[0] === '0f') {
    toks.shift();
    map = 1;
    const next: string = toks[0];
    if (next === '38') { toks.shift(); map = 2; } else if (next === '3a') { toks.shift(); map = 3; }
  }
  const opcode = parseInt(toks.shift()!, 16);
  let hasModrm = false, ext: number | null = null, fixedModrm: number | null = null, opcodeReg = false, condInOpcode = false;
  for (const t of toks) {
    if (t === '/r') hasModrm = true;
    else if (/^\/[0-7]$/.test(t)) { hasModrm = true; ext = +t[1]; }
    else if (t === '+r') opcodeReg = true;
    else if (t === '+cc') condInOpcode = true;
    else if (t.startsWith(':')) { hasModrm = true; fixedModrm = parseInt(t.slice(1), 16); }
    else throw new Error(`bad opcode spec ${code}`);
  }
  const operands: OperandSpec[] = ops === '' ? [] : ops.split(',').map((s) => ({ loc: s[0] as OperandLoc, size: (s[1] ?? 'v') as OperandSizeCode }));
  TABLE.push({
    op, mnem, map, opcode, mandatory, hasModrm, ext, fixedModrm, opcodeReg, condInOpcode,
    rexW: extra.w, sz, operands,
    writes: flags[0], undef: flags[1], writesMask: flagMask(flags[0]), undefMask: flagMask(flags[1]),
    lockable: !!extra.lock, rep: extra.rep, attBySize: extra.att, intelBySize: extra.intel, note: extra.note,
  });
}

// ---- integer ALU --------------------------------------------------------------------------------
const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
ALU_NAMES.forEach((name, i) => {
  const fl = name === 'and' || name === 'or' || name === 'xor' ? LOGIC : ARITH;
  const lock = name !== 'cmp';
  const b = (i * 8).toString(16).padStart(2, '0');
  const h = (n: number) => (i * 8 + n).toString(16).padStart(2, '0');
  f(name, name, `${b} /r`, 'Eb,Gb', 'b', fl, { lock });
  f(name, name, `${h(1)} /r`, 'Ev,Gv', 'v', fl, { lock });
  f(name, name, `${h(2)} /r`, 'Gb,Eb', 'b', fl);
  f(name, name, `${h(3)} /r`, 'Gv,Ev', 'v', fl);
  f(name, name, `${h(4)}`, 'Ab,Ib', 'b', fl);
  f(name, name, `${h(5)}`, 'Av,Iz', 'v', fl);
  f(name, name, `80 /${i}`, 'Eb,Ib', 'b', fl, { lock });
  f(name, name, `81 /${i}`, 'Ev,Iz', 'v', fl, { lock });
  f(name, name, `83 /${i}`, 'Ev,Is', 'v', fl, { lock });
});
f('test', 'test', '84 /r', 'Eb,Gb', 'b', LOGIC);
f('test', 'test', '85 /r', 'Ev,Gv', 'v', LOGIC);
f('test', 'test', 'a8', 'Ab,Ib', 'b', LOGIC);
f('test', 'test', 'a9', 'Av,Iz', 'v', LOGIC);
f('test', 'test', 'f6 /0', 'Eb,Ib', 'b', LOGIC);
f('test', 'test', 'f7 /0', 'Ev,Iz', 'v', LOGIC);

const INCDEC: [FlagName[], FlagName[]] = [['PF', 'AF', 'ZF', 'SF', 'OF'], []];
f('inc', 'inc', 'fe /0', 'Eb', 'b', INCDEC, { lock: true });
f('inc', 'inc', 'ff /0', 'Ev', 'v', INCDEC, { lock: true });
f('dec', 'dec', 'fe /1', 'Eb', 'b', INCDEC, { lock: true });
f('dec', 'dec', 'ff /1', 'Ev', 'v', INCDEC, { lock: true });
f('not', 'not', 'f6 /2', 'Eb', 'b', NONE, { lock: true });
f('not', 'not', 'f7 /2', 'Ev', 'v', NONE, { lock: true });
f('neg', 'neg', 'f6 /3', 'Eb', 'b', ARITH, { lock: true, note: 'CF = (source != 0)' });
f('neg', 'neg', 'f7 /3', 'Ev', 'v', ARITH, { lock: true, note: 'CF = (source != 0)' });
const MULF: [FlagName[], FlagName[]] = [['CF', 'OF'], ['PF', 'AF', 'ZF', 'SF']];
const DIVF: [FlagName[], FlagName[]] = [[], ALL6];
f('mul', 'mul', 'f6 /4', 'Eb', 'b', MULF, { note: 'AX = AL * src; CF=OF=(high half != 0)' });
f('mul', 'mul', 'f7 /4', 'Ev', 'v', MULF, { note: 'rDX:rAX = rAX * src; CF=OF=(rDX != 0)' });
f('imul', 'imul', 'f6 /5', 'Eb', 'b', MULF, { note: 'one operand: AX = AL * src (signed); CF=OF=(result != sign-extended low half)' });
f('imul', 'imul', 'f7 /5', 'Ev', 'v', MULF, { note: 'one operand: rDX:rAX = rAX * src (signed)' });
f('imul', 'imul', '0f af /r', 'Gv,Ev', 'v', MULF, { note: 'two operands: dst = dst * src truncated' });
f('imul', 'imul', '69 /r', 'Gv,Ev,Iz', 'v', MULF, { note: 'three operands: dst = src * imm truncated' });
f('imul', 'imul', '6b /r', 'Gv,Ev,Is', 'v', MULF, { note: 'three operands: dst = src * imm truncated' });
f('div', 'div', 'f6 /6', 'Eb', 'b', DIVF, { note: 'AL = AX / src, AH = AX % src; #DE on zero or overflow' });
f('div', 'div', 'f7 /6', 'Ev', 'v', DIVF, { note: 'rAX = rDX:rAX / src, rDX = remainder; #DE on zero or overflow' });
f('idiv', 'idiv', 'f6 /7', 'Eb', 'b', DIVF, { note: 'signed AX / src; #DE on zero or overflow' });
f('idiv', 'idiv', 'f7 /7', 'Ev', 'v', DIVF, { note: 'signed rDX:rAX / src; #DE on zero or overflow' });

// ---- shifts and rotates ---------------------------------------------------------------------------
// Count is masked to 5 bits (6 with 64-bit operands). Count 0: no flags change.
const SHIFTF: [FlagName[], FlagName[]] = [['CF', 'PF', 'ZF', 'SF', 'OF'], ['AF']];
const ROTF: [FlagName[], FlagName[]] = [['CF', 'OF'], []];
const SHIFT_NOTE = 'masked count 0: flags unchanged; OF defined only for count 1 (undefined otherwise); for shl/shr a count >= width leaves CF undefined';
const ROT_NOTE = 'masked count 0: flags unchanged; OF defined only for count 1 (undefined otherwise)';
const SHIFT_NAMES: [string, number][] = [['rol', 0], ['ror', 1], ['rcl', 2], ['rcr', 3], ['shl', 4], ['shr', 5], ['sar', 7]];
for (const [name, n] of SHIFT_NAMES) {
  const fl = n < 4 ? ROTF : SHIFTF;
  const note = n < 4 ? ROT_NOTE : SHIFT_NOTE;
  f(name, name, `d0 /${n}`, 'Eb,1b', 'b', fl, { note });
  f(name, name, `d1 /${n}`, 'Ev,1b', 'v', fl, { note });
  f(name, name, `d2 /${n}`, 'Eb,Cb', 'b', fl, { note });
  f(name, name, `d3 /${n}`, 'Ev,Cb', 'v', fl, { note });
  f(name, name, `c0 /${n}`, 'Eb,Ib', 'b', fl, { note });
  f(name, name, `c1 /${n}`, 'Ev,Ib', 'v', fl, { note });
}
const SHLDF: [FlagName[], FlagName[]] = [['CF', 'PF', 'ZF', 'SF', 'OF'], ['AF']];
const SHLD_NOTE = 'count masked to 5/6 bits; 0: flags unchanged; OF undefined unless count 1; count > operand size: result and all flags undefined';
f('shld', 'shld', '0f a4 /r', 'Ev,Gv,Ib', 'v', SHLDF, { note: SHLD_NOTE });
f('shld', 'shld', '0f a5 /r', 'Ev,Gv,Cb', 'v', SHLDF, { note: SHLD_NOTE });
f('shrd', 'shrd', '0f ac /r', 'Ev,Gv,Ib', 'v', SHLDF, { note: SHLD_NOTE });
f('shrd', 'shrd', '0f ad /r', 'Ev,Gv,Cb', 'v', SHLDF, { note: SHLD_NOTE });

// ---- bit operations -------------------------------------------------------------------------------
const BTF: [FlagName[], FlagName[]] = [['CF'], ['PF', 'AF', 'SF', 'OF']];
const BT_NOTE = 'ZF unchanged. With a register bit offset and a memory operand, the offset is signed and may address outside the operand';
([['bt', 'a3', 4], ['bts', 'ab', 5], ['btr', 'b3', 6], ['btc', 'bb', 7]] as [string, string, number][]).forEach(([name, code, n]) => {
  f(name, name, `0f ${code} /r`, 'Ev,Gv', 'v', BTF, { lock: name !== 'bt', note: BT_NOTE });
  f(name, name, `0f ba /${n}`, 'Ev,Ib', 'v', BTF, { lock: name !== 'bt', note: BT_NOTE });
});
const BSF: [FlagName[], FlagName[]] = [['ZF'], ['CF', 'PF', 'AF', 'SF', 'OF']];
f('bsf', 'bsf', '0f bc /r', 'Gv,Ev', 'v', BSF, { note: 'source 0: ZF=1, destination unchanged (AMD/Intel in practice)' });
f('bsr', 'bsr', '0f bd /r', 'Gv,Ev', 'v', BSF, { note: 'source 0: ZF=1, destination unchanged (AMD/Intel in practice)' });
const CNTF: [FlagName[], FlagName[]] = [['CF', 'ZF'], ['PF', 'AF', 'SF', 'OF']];
f('tzcnt', 'tzcnt', 'f3 0f bc /r', 'Gv,Ev', 'v', CNTF, { note: 'CF = (source == 0), ZF = (result == 0)' });
f('lzcnt', 'lzcnt', 'f3 0f bd /r', 'Gv,Ev', 'v', CNTF, { note: 'CF = (source == 0), ZF = (result == 0)' });
f('popcnt', 'popcnt', 'f3 0f b8 /r', 'Gv,Ev', 'v', [ALL6, []], { note: 'ZF = (source == 0); CF, PF, AF, SF, OF cleared' });
f('bswap', 'bswap', '0f c8 +r', 'Zv', 'v', NONE, { note: '16-bit operand size is undefined' });

// ---- data movement --------------------------------------------------------------------------------
f('mov', 'mov', '88 /r', 'Eb,Gb', 'b');
f('mov', 'mov', '89 /r', 'Ev,Gv', 'v');
f('mov', 'mov', '8a /r', 'Gb,Eb', 'b');
f('mov', 'mov', '8b /r', 'Gv,Ev', 'v');
f('mov', 'mov', '8c /r', 'Rv,Sw', 'v');
f('mov', 'mov', '8c /r', 'Mw,Sw', 'w');
f('mov', 'mov', '8e /r', 'Sw,Rv', 'v', NONE, { note: 'loading SS/DS/ES/FS/GS checks the selector; CS is #UD' });
f('mov', 'mov', '8e /r', 'Sw,Mw', 'w', NONE, { note: 'loading SS/DS/ES/FS/GS checks the selector; CS is #UD' });
f('mov', 'mov', 'c6 /0', 'Eb,Ib', 'b');
f('mov', 'mov', 'c7 /0', 'Ev,Iz', 'v');
f('mov', 'mov', 'b0 +r', 'Zb,Ib', 'b');
f('mov', 'mov', 'b8 +r', 'Zv,Iv', 'v', NONE, { att: { 8: 'movabs' } });
f('mov', 'movabs', 'a0', 'Ab,Ob', 'b');
f('mov', 'movabs', 'a1', 'Av,Ov', 'v');
f('mov', 'movabs', 'a2', 'Ob,Ab', 'b');
f('mov', 'movabs', 'a3', 'Ov,Av', 'v');
f('mov', 'mov', '0f 20 /r', 'Rq,Kq', 'q', NONE, { note: 'CPL 0 only; mod bits are ignored (always a register)' });
f('mov', 'mov', '0f 22 /r', 'Kq,Rq', 'q', NONE, { note: 'CPL 0 only; writing CR3 flushes the TLB; flags undefined per SDM' });
f('mov', 'mov', '0f 21 /r', 'Rq,Tq', 'q', NONE, { note: 'CPL 0 only' });
f('mov', 'mov', '0f 23 /r', 'Tq,Rq', 'q', NONE, { note: 'CPL 0 only' });
f('movzx', 'movz', '0f b6 /r', 'Gv,Eb', 'v');
f('movzx', 'movz', '0f b7 /r', 'Gv,Ew', 'v');
f('movsx', 'movs', '0f be /r', 'Gv,Eb', 'v');
f('movsx', 'movs', '0f bf /r', 'Gv,Ew', 'v');
f('movsxd', 'movslq', '63 /r', 'Gv,Ed', 'v', NONE, { w: true });
f('cmovcc', 'cmov', '0f 40 +cc /r', 'Gv,Ev', 'v', NONE, { note: 'with a 32-bit destination the upper half is zeroed even when the condition is false' });
f('lea', 'lea', '8d /r', 'Gv,M0', 'v');
f('xchg', 'xchg', '86 /r', 'Eb,Gb', 'b', NONE, { lock: true, note: 'with memory: always locked' });
f('xchg', 'xchg', '87 /r', 'Ev,Gv', 'v', NONE, { lock: true, note: 'with memory: always locked' });
f('xchg', 'xchg', '90 +r', 'Zv,Av', 'v', NONE, { note: '90 without REX.B is nop' });
f('xadd', 'xadd', '0f c0 /r', 'Eb,Gb', 'b', ARITH, { lock: true });
f('xadd', 'xadd', '0f c1 /r', 'Ev,Gv', 'v', ARITH, { lock: true });
f('cmpxchg', 'cmpxchg', '0f b0 /r', 'Eb,Gb', 'b', ARITH, { lock: true, note: 'compares accumulator with dest; flags as cmp' });
f('cmpxchg', 'cmpxchg', '0f b1 /r', 'Ev,Gv', 'v', ARITH, { lock: true, note: 'compares accumulator with dest; flags as cmp' });
f('cbw', 'cbw', '98', '', 'v', NONE, { att: { 2: 'cbtw', 4: 'cwtl', 8: 'cltq' }, intel: { 2: 'cbw', 4: 'cwde', 8: 'cdqe' } });
f('cwd', 'cwd', '99', '', 'v', NONE, { att: { 2: 'cwtd', 4: 'cltd', 8: 'cqto' }, intel: { 2: 'cwd', 4: 'cdq', 8: 'cqo' } });

// ---- stack -----------------------------------------------------------------------------------------
f('push', 'push', '50 +r', 'Zv', 'd64');
f('push', 'push', 'ff /6', 'Ev', 'd64');
f('push', 'push', '6a', 'Is', 'd64');
f('push', 'push', '68', 'Iz', 'd64');
f('push', 'push', '0f a0', 'Fw', 'd64');
f('push', 'push', '0f a8', 'Hw', 'd64');
f('pop', 'pop', '58 +r', 'Zv', 'd64');
f('pop', 'pop', '8f /0', 'Ev', 'd64');
f('pop', 'pop', '0f a1', 'Fw', 'd64');
f('pop', 'pop', '0f a9', 'Hw', 'd64');
f('pushf', 'pushf', '9c', '', 'd64', NONE, { att: { 2: 'pushfw' }, intel: { 2: 'pushfw', 8: 'pushfq' } });
f('popf', 'popf', '9d', '', 'd64', [['CF', 'PF', 'AF', 'ZF', 'SF', 'OF', 'DF', 'TF', 'IF', 'AC'], []], { att: { 2: 'popfw' }, intel: { 2: 'popfw', 8: 'popfq' }, note: 'IF changes only when CPL <= IOPL; IOPL only at CPL 0' });
f('enter', 'enter', 'c8', 'Iw,Ib', 'd64');
f('leave', 'leave', 'c9', '', 'd64');

// ---- control transfer ------------------------------------------------------------------------------
f('jcc', 'j', '70 +cc', 'Jb', 'f64');
f('jcc', 'j', '0f 80 +cc', 'Jz', 'f64');
f('jmp', 'jmp', 'eb', 'Jb', 'f64');
f('jmp', 'jmp', 'e9', 'Jz', 'f64');
f('jmp', 'jmp', 'ff /4', 'Eq', 'f64');
f('call', 'call', 'e8', 'Jz', 'f64');
f('call', 'call', 'ff /2', 'Eq', 'f64');
f('ret', 'ret', 'c3', '', 'f64');
f('ret', 'ret', 'c2', 'Iw', 'f64');
f('lret', 'lret', 'cb', '', 'v', NONE, { att: { 8: 'lretq' }, intel: { 8: 'retfq', 4: 'retf' } });
f('lret', 'lret', 'ca', 'Iw', 'v', NONE, { att: { 8: 'lretq' }, intel: { 8: 'retfq', 4: 'retf' } });
f('loop', 'loop', 'e2', 'Jb', 'f64');
f('loopcc', 'loope', 'e1', 'Jb', 'f64', NONE, { note: 'cond = 4 (e): loop while ZF=1' });
f('loopcc', 'loopne', 'e0', 'Jb', 'f64', NONE, { note: 'cond = 5 (ne): loop while ZF=0' });
f('jrcxz', 'jrcxz', 'e3', 'Jb', 'f64', NONE, { note: 'with 0x67: jecxz tests ecx' });
f('setcc', 'set', '0f 90 +cc /r', 'Eb', 'b', NONE, { note: 'ModRM.reg is ignored; GNU as writes 0' });

// ---- string operations -----------------------------------------------------------------------------
f('movs', 'movs', 'a4', 'Yb,Xb', 'b', NONE, { rep: 'rep' });
f('movs', 'movs', 'a5', 'Yv,Xv', 'v', NONE, { rep: 'rep' });
f('cmps', 'cmps', 'a6', 'Xb,Yb', 'b', ARITH, { rep: 'repcc' });
f('cmps', 'cmps', 'a7', 'Xv,Yv', 'v', ARITH, { rep: 'repcc' });
f('stos', 'stos', 'aa', 'Yb,Ab', 'b', NONE, { rep: 'rep' });
f('stos', 'stos', 'ab', 'Yv,Av', 'v', NONE, { rep: 'rep' });
f('lods', 'lods', 'ac', 'Ab,Xb', 'b', NONE, { rep: 'rep' });
f('lods', 'lods', 'ad', 'Av,Xv', 'v', NONE, { rep: 'rep' });
f('scas', 'scas', 'ae', 'Ab,Yb', 'b', ARITH, { rep: 'repcc' });
f('scas', 'scas', 'af', 'Av,Yv', 'v', ARITH, { rep: 'repcc' });
f('ins', 'ins', '6c', 'Yb,Dw', 'b', NONE, { rep: 'rep' });
f('ins', 'ins', '6d', 'Yz,Dw', 'z', NONE, { rep: 'rep' });
f('outs', 'outs', '6e', 'Dw,Xb', 'b', NONE, { rep: 'rep' });
f('outs', 'outs', '6f', 'Dw,Xz', 'z', NONE, { rep: 'rep' });

// ---- flags -----------------------------------------------------------------------------------------
f('clc', 'clc', 'f8', '', 'none', [['CF'], []]);
f('stc', 'stc', 'f9', '', 'none', [['CF'], []]);
f('cmc', 'cmc', 'f5', '', 'none', [['CF'], []]);
f('cld', 'cld', 'fc', '', 'none', [['DF'], []]);
f('std', 'std', 'fd', '', 'none', [['DF'], []]);
f('cli', 'cli', 'fa', '', 'none', [['IF'], []], { note: '#GP(0) unless CPL <= IOPL' });
f('sti', 'sti', 'fb', '', 'none', [['IF'], []], { note: '#GP(0) unless CPL <= IOPL; interrupts stay blocked for one more instruction' });
f('stac', 'stac', '0f 01 :cb', '', 'none', [['AC'], []], { note: 'CPL 0 only (#UD otherwise); opens the SMAP window' });
f('clac', 'clac', '0f 01 :ca', '', 'none', [['AC'], []], { note: 'CPL 0 only (#UD otherwise); closes the SMAP window' });
f('sahf', 'sahf', '9e', '', 'none', [['CF', 'PF', 'AF', 'ZF', 'SF'], []]);
f('lahf', 'lahf', '9f', '', 'none');

// ---- misc ------------------------------------------------------------------------------------------
f('nop', 'nop', '90', '', 'none');
f('nop', 'nop', '0f 1f /0', 'Ev', 'v', NONE, { note: 'multi-byte nop; the memory operand is not accessed' });
f('pause', 'pause', 'f3 90', '', 'none');
f('endbr64', 'endbr64', 'f3 0f 1e :fa', '', 'none');
f('lfence', 'lfence', '0f ae :e8', '', 'none');
f('mfence', 'mfence', '0f ae :f0', '', 'none');
f('sfence', 'sfence', '0f ae :f8', '', 'none');
f('cpuid', 'cpuid', '0f a2', '', 'none');
f('rdtsc', 'rdtsc', '0f 31', '', 'none');
f('rdtscp', 'rdtscp', '0f 01 :f9', '', 'none');
f('rdrand', 'rdrand', '0f c7 /6', 'Rv', 'v', [ALL6, []], { note: 'CF=1 when a value was returned; OF SF ZF AF PF cleared' });
f('hlt', 'hlt', 'f4', '', 'none', NONE, { note: 'CPL 0 only' });
f('int3', 'int3', 'cc', '', 'none', [['TF', 'IF'], []], { note: '#BP trap' });
f('int1', 'int1', 'f1', '', 'none', [['TF', 'IF'], []]);
f('int', 'int', 'cd', 'Ib', 'none', [['TF', 'IF'], []]);
f('ud2', 'ud2', '0f 0b', '', 'none', NONE, { note: 'always #UD' });
f('syscall', 'syscall', '0f 05', '', 'none', [['CF', 'PF', 'AF', 'ZF', 'SF', 'OF', 'DF', 'TF', 'IF', 'AC'], []], { note: 'RCX=RIP, R11=RFLAGS, RFLAGS &= ~IA32_FMASK, CS/SS from IA32_STAR[47:32], RIP=IA32_LSTAR' });
f('sysret', 'sysret', '0f 07', '', 'v', [['CF', 'PF', 'AF', 'ZF', 'SF', 'OF', 'DF', 'TF', 'IF', 'AC'], []], { att: { 4: 'sysretl', 8: 'sysretq' }, intel: { 4: 'sysretd', 8: 'sysretq' }, note: 'CPL 0 only; RIP=RCX (#GP if non-canonical), RFLAGS=R11, CS/SS from IA32_STAR[63:48], CPL 3' });
f('iret', 'iret', 'cf', '', 'v', [['CF', 'PF', 'AF', 'ZF', 'SF', 'OF', 'DF', 'TF', 'IF', 'AC'], []], { att: { 2: 'iretw', 4: 'iret', 8: 'iretq' }, intel: { 2: 'iretw', 4: 'iretd', 8: 'iretq' }, note: 'pops RIP, CS, RFLAGS, RSP, SS' });
f('swapgs', 'swapgs', '0f 01 :f8', '', 'none', NONE, { note: 'CPL 0 only; exchanges GS.base with IA32_KERNEL_GS_BASE' });
f('rdmsr', 'rdmsr', '0f 32', '', 'none', NONE, { note: 'CPL 0 only; EDX:EAX = MSR[ECX]' });
f('wrmsr', 'wrmsr', '0f 30', '', 'none', NONE, { note: 'CPL 0 only; MSR[ECX] = EDX:EAX' });
f('lgdt', 'lgdt', '0f 01 /2', 'Mp', 'none', NONE, { note: 'CPL 0 only; 2-byte limit + 8-byte base' });
f('lidt', 'lidt', '0f 01 /3', 'Mp', 'none', NONE, { note: 'CPL 0 only; 2-byte limit + 8-byte base' });
f('sgdt', 'sgdt', '0f 01 /0', 'Mp', 'none');
f('sidt', 'sidt', '0f 01 /1', 'Mp', 'none');
f('ltr', 'ltr', '0f 00 /3', 'Ew', 'w', NONE, { note: 'CPL 0 only; marks the TSS descriptor busy' });
f('str', 'str', '0f 00 /1', 'Rv', 'v');
f('str', 'str', '0f 00 /1', 'Mw', 'w');
f('lldt', 'lldt', '0f 00 /2', 'Ew', 'w', NONE, { note: 'CPL 0 only' });
f('sldt', 'sldt', '0f 00 /0', 'Rv', 'v');
f('sldt', 'sldt', '0f 00 /0', 'Mw', 'w');
f('verr', 'verr', '0f 00 /4', 'Ew', 'w', [['ZF'], []]);
f('verw', 'verw', '0f 00 /5', 'Ew', 'w', [['ZF'], []], { note: 'ZF=1 if the segment is writable at this CPL; also flushes CPU buffers (MDS mitigation)' });
f('invlpg', 'invlpg', '0f 01 /7', 'M0', 'none', NONE, { note: 'CPL 0 only; drops the TLB entry for the address' });
f('wbinvd', 'wbinvd', '0f 09', '', 'none', NONE, { note: 'CPL 0 only' });
f('clts', 'clts', '0f 06', '', 'none', NONE, { note: 'CPL 0 only; clears CR0.TS' });
f('in', 'in', 'e4', 'Ab,Ib', 'b', NONE, { note: 'I/O permission checked against IOPL/TSS bitmap' });
f('in', 'in', 'e5', 'Az,Ib', 'z');
f('in', 'in', 'ec', 'Ab,Dw', 'b');
f('in', 'in', 'ed', 'Az,Dw', 'z');
f('out', 'out', 'e6', 'Ib,Ab', 'b');
f('out', 'out', 'e7', 'Ib,Az', 'z');
f('out', 'out', 'ee', 'Dw,Ab', 'b');
f('out', 'out', 'ef', 'Dw,Az', 'z');

/** Condition-code suffixes as objdump prints them, by condition number. */
export const COND_NAMES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
/** Every spelling GNU as accepts for each condition, mapped to its number. */
export const COND_ALIASES: Record<string, number> = {
  o: 0, no: 1, b: 2, c: 2, nae: 2, ae: 3, nb: 3, nc: 3, e: 4, z: 4, ne: 5, nz: 5, be: 6, na: 6, a: 7, nbe: 7,
  s: 8, ns: 9, p: 10, pe: 10, np: 11, po: 11, l: 12, nge: 12, ge: 13, nl: 13, le: 14, ng: 14, g: 15, nle: 15,
};

/** One-line description per mnemonic (Intel/`op` names and common AT&T spellings), for hover text. */
export const SUMMARY: Record<string, string> = {
  add: 'Add source to destination', adc: 'Add with carry', sub: 'Subtract source from destination', sbb: 'Subtract with borrow',
  and: 'Bitwise AND', or: 'Bitwise OR', xor: 'Bitwise exclusive OR', cmp: 'Compare (subtract, set flags, discard result)',
  test: 'Logical compare (AND, set flags, discard result)', inc: 'Increment by 1 (CF unchanged)', dec: 'Decrement by 1 (CF unchanged)',
  not: 'One\'s complement negation', neg: 'Two\'s complement negation', mul: 'Unsigned multiply into rDX:rAX',
  imul: 'Signed multiply', div: 'Unsigned divide rDX:rAX', idiv: 'Signed divide rDX:rAX',
  rol: 'Rotate left', ror: 'Rotate right', rcl: 'Rotate left through carry', rcr: 'Rotate right through carry',
  shl: 'Shift left (logical = arithmetic)', sal: 'Shift left (logical = arithmetic)', shr: 'Logical shift right', sar: 'Arithmetic shift right',
  shld: 'Double-precision shift left', shrd: 'Double-precision shift right',
  bt: 'Bit test into CF', bts: 'Bit test and set', btr: 'Bit test and reset', btc: 'Bit test and complement',
  bsf: 'Bit scan forward (index of lowest set bit)', bsr: 'Bit scan reverse (index of highest set bit)',
  tzcnt: 'Count trailing zero bits', lzcnt: 'Count leading zero bits', popcnt: 'Count set bits', bswap: 'Reverse byte order',
  mov: 'Move (copy) source to destination', movabs: 'Move with a 64-bit immediate or absolute address',
  movzx: 'Move with zero extension', movsx: 'Move with sign extension', movsxd: 'Move doubleword with sign extension',
  cmovcc: 'Conditional move', lea: 'Load effective address (no memory access)', xchg: 'Exchange (locked with memory)',
  xadd: 'Exchange and add', cmpxchg: 'Compare accumulator with destination and exchange',
  cbw: 'Sign-extend AL/AX/EAX into AX/EAX/RAX', cwd: 'Sign-extend AX/EAX/RAX into DX/EDX/RDX',
  push: 'Push onto the stack', pop: 'Pop from the stack', pushf: 'Push RFLAGS', popf: 'Pop RFLAGS',
  enter: 'Make a stack frame', leave: 'Tear down a stack frame (mov rbp,rsp; pop rbp)',
  jcc: 'Jump if condition', jmp: 'Jump', call: 'Call procedure (push return address)', ret: 'Return from procedure',
  lret: 'Far return (pops RIP and CS)', loop: 'Decrement RCX, jump if not zero', loopcc: 'Decrement RCX, jump if not zero and ZF matches',
  jrcxz: 'Jump if RCX is zero', setcc: 'Set byte to 1 if condition, else 0',
  movs: 'Move string element [rsi] -> [rdi]', cmps: 'Compare string elements [rsi] and [rdi]', stos: 'Store accumulator to [rdi]',
  lods: 'Load [rsi] into accumulator', scas: 'Compare accumulator with [rdi]', ins: 'Input string from port DX', outs: 'Output string to port DX',
  clc: 'Clear carry flag', stc: 'Set carry flag', cmc: 'Complement carry flag', cld: 'Clear direction flag', std: 'Set direction flag',
  cli: 'Clear interrupt flag (disable interrupts)', sti: 'Set interrupt flag (enable interrupts)',
  stac: 'Set AC flag (allow supervisor access to user pages under SMAP)', clac: 'Clear AC flag (re-arm SMAP)',
  sahf: 'Store AH into flags', lahf: 'Load flags into AH',
  nop: 'No operation', pause: 'Spin-loop hint', endbr64: 'End branch (CET indirect-branch landing pad)',
  lfence: 'Load fence (serializes instruction dispatch)', mfence: 'Memory fence', sfence: 'Store fence',
  cpuid: 'CPU identification', rdtsc: 'Read time-stamp counter into EDX:EAX', rdtscp: 'Read time-stamp counter and TSC_AUX',
  rdrand: 'Read random number', hlt: 'Halt until the next interrupt', int3: 'Breakpoint trap (#BP)', int1: 'Debug trap (#DB)',
  int: 'Software interrupt', ud2: 'Undefined instruction (#UD)',
  syscall: 'Fast system call: enter ring 0 at IA32_LSTAR', sysret: 'Return from fast system call to ring 3',
  iret: 'Return from interrupt', swapgs: 'Swap GS base with IA32_KERNEL_GS_BASE',
  rdmsr: 'Read model-specific register ECX', wrmsr: 'Write model-specific register ECX',
  lgdt: 'Load global descriptor table register', lidt: 'Load interrupt descriptor table register',
  sgdt: 'Store GDTR', sidt: 'Store IDTR', ltr: 'Load task register', str: 'Store task register',
  lldt: 'Load LDT register', sldt: 'Store LDT register', verr: 'Verify segment readable', verw: 'Verify segment writable (also flushes CPU buffers)',
  invlpg: 'Invalidate TLB entry for a page', wbinvd: 'Write back and invalidate caches', clts: 'Clear CR0.TS',
  in: 'Input from I/O port', out: 'Output to I/O port',
};
