// Generates the instruction corpus: every table form x operand sizes x addressing modes x registers,
// each as GNU as AT&T source text plus the EncodeRequest our encoder gets for the same line.
// Deterministic (no randomness), so the stored GNU as / objdump results (data/corpus.jsonl) line up.
import { TABLE, COND_NAMES, type Form, type OperandSpec } from '../../emulator/isa/table';
import { GPR8, GPR16, GPR32, GPR64, SEG_NAMES } from '../../emulator/isa/registers';
import { RIP, type AsmMemOperand, type AsmOperand, type EncodeRequest, type Size } from '../../emulator/isa/types';

export interface CorpusEntry {
  /** one line of GNU as source (may be followed by a label line, see `label`) */
  text: string;
  req: EncodeRequest;
  /** a `1:` label follows the instruction (short branches target it) */
  label?: boolean;
}

export const EXTERNAL = { ref: 'ext' };

interface Opnd {
  text: string;
  op: AsmOperand;
}

const NAMES: Record<number, string[]> = { 1: GPR8, 2: GPR16, 4: GPR32, 8: GPR64 };
const REG_SAMPLE = [0, 1, 3, 4, 5, 7, 8, 12, 13, 15];
const SUFFIX: Record<number, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q' };

function reg(num: number, size: Size, high8 = false): Opnd {
  const name = high8 ? ['ah', 'ch', 'dh', 'bh'][num] : NAMES[size][num];
  return { text: '%' + name, op: { kind: 'reg', cls: 'gpr', num, size, high8: high8 || undefined } };
}

const LIGHT_REGS = [0, 5, 8, 15];
function regs(size: Size, light = false): Opnd[] {
  const out = (light ? LIGHT_REGS : REG_SAMPLE).map((n) => reg(n, size));
  if (size === 1) out.push(reg(0, 1, true), reg(3, 1, true));
  return out;
}

function mem(text: string, m: Partial<AsmMemOperand>): Opnd {
  return { text, op: { kind: 'mem', seg: null, base: null, index: null, scale: 1, disp: 0n, ...m } };
}

/** Addressing modes: every ModRM/SIB/disp shape, rip-relative, absolute, segment overrides, addr32, symbols. */
export function memModes(): Opnd[] {
  return [
    mem('(%rax)', { base: 0 }),
    mem('(%rsp)', { base: 4 }),
    mem('(%rbp)', { base: 5 }),
    mem('(%r12)', { base: 12 }),
    mem('(%r13)', { base: 13 }),
    mem('0x8(%rcx)', { base: 1, disp: 8n }),
    mem('-0x80(%rbx)', { base: 3, disp: -0x80n }),
    mem('0x7f(%rdi)', { base: 7, disp: 0x7fn }),
    mem('0x80(%rdx)', { base: 2, disp: 0x80n }),
    mem('-0x81(%r15)', { base: 15, disp: -0x81n }),
    mem('0x12345678(%rsi)', { base: 6, disp: 0x12345678n }),
    mem('(%rax,%rbx,1)', { base: 0, index: 3 }),
    mem('0x10(%rax,%rcx,4)', { base: 0, index: 1, scale: 4, disp: 0x10n }),
    mem('(%r8,%r9,8)', { base: 8, index: 9, scale: 8 }),
    mem('(%rbp,%rax,2)', { base: 5, index: 0, scale: 2 }),
    mem('0x1000(%rsp,%r14,1)', { base: 4, index: 14, disp: 0x1000n }),
    mem('-0x4(,%rdx,2)', { index: 2, scale: 2, disp: -4n }),
    mem('0x1000', { disp: 0x1000n }),
    mem('0x10(%rip)', { base: RIP, disp: 0x10n }),
    mem('ext(%rip)', { base: RIP, disp: EXTERNAL }),
    mem('ext(%rax)', { base: 0, disp: EXTERNAL }),
    mem('ext(,%rcx,8)', { index: 1, scale: 8, disp: EXTERNAL }),
    mem('%fs:0x28', { seg: 4, disp: 0x28n }),
    mem('%gs:(%rax)', { seg: 5, base: 0 }),
    mem('(%eax)', { base: 0, addr32: true }),
    mem('0x8(%ebp,%esi,4)', { base: 5, index: 6, scale: 4, disp: 8n, addr32: true }),
  ];
}

function imm(v: bigint): Opnd {
  return { text: '$' + (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16)), op: { kind: 'imm', value: v } };
}

function immsFor(spec: OperandSpec, opSize: Size): Opnd[] {
  const sym: Opnd = { text: '$ext', op: { kind: 'imm', value: EXTERNAL } };
  switch (spec.size) {
    case 'b': return [0n, 1n, 0x7fn, 0x80n, 0xffn, -1n].map(imm);
    case 'w': return [0n, 8n, 0x1234n, 0xffffn].map(imm);
    case 's': return [0n, 1n, 0x7fn, -1n, -0x80n].map(imm);
    case 'z': {
      const vals = opSize === 2 ? [0x1234n, 0x7fffn, 0x8000n, 0xffffn] : opSize === 4 ? [0x80n, 0x12345678n, 0x7fffffffn, 0x80000000n, 0xffffffffn] : [0x80n, 0x12345678n, 0x7fffffffn, -0x80000000n, -0x81n];
      const out = vals.map(imm);
      if (opSize !== 2) out.push(sym);
      return out;
    }
    case 'v': {
      const vals = opSize === 1 ? [1n] : opSize === 2 ? [0x1234n, 0xffffn] : opSize === 4 ? [0n, 0x12345678n, 0xffffffffn] : [0n, 1n, -1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x123456789abcdefn, -0x80000000n];
      const out = vals.map(imm);
      if (opSize >= 4) out.push(sym);
      return out;
    }
    default: return [imm(1n)];
  }
}

function sizesOf(fm: Form): Size[] {
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

function specSize(spec: OperandSpec, opSize: Size): Size {
  switch (spec.size) {
    case 'b': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 'z': return Math.min(opSize, 4) as Size;
    default: return opSize;
  }
}

/** A few addressing modes for forms that are not the full-coverage representatives. */
function lightMemModes(): Opnd[] {
  const all = memModes();
  return [0, 1, 4, 6, 9, 13, 18, 19, 22, 24].map((i) => all[i]);
}
/** Forms that get every register and addressing mode (the others get a sample). */
const FULL_OPS = new Set(['mov', 'add', 'lea', 'xor', 'movzx', 'push', 'imul', 'shl', 'inc', 'bt', 'cmovcc', 'test', 'xchg', 'setcc', 'nop']);

/** Concrete operand choices for one operand slot. */
function choices(fm: Form, spec: OperandSpec, opSize: Size, light: boolean): Opnd[] {
  const size = specSize(spec, opSize);
  light = light || !FULL_OPS.has(fm.op);
  switch (spec.loc) {
    case 'E': return [...regs(size, light), ...(light ? lightMemModes() : memModes())];
    case 'R': return regs(size, light);
    case 'M': return light ? lightMemModes() : memModes();
    case 'G': return regs(size, light);
    case 'Z': return regs(size, light).filter((r) => !(fm.op === 'xchg' && (r.op as { num: number }).num === 0));
    case 'A': return [reg(0, size)];
    case 'C': return [reg(1, 1)];
    case 'D': return [{ text: '(%dx)', op: { kind: 'reg', cls: 'gpr', num: 2, size: 2 } }];
    case '1': return [imm(1n)];
    case 'S': return [0, 1, 2, 3, 4, 5].filter((n) => !(fm.opcode === 0x8e && n === 1)).map((n) => ({ text: '%' + SEG_NAMES[n], op: { kind: 'reg', cls: 'seg', num: n, size: 2 } }));
    case 'K': return [0, 2, 3, 4, 8].map((n) => ({ text: `%cr${n}`, op: { kind: 'reg', cls: 'cr', num: n, size: 8 } }));
    case 'T': return [0, 1, 6, 7].map((n) => ({ text: `%db${n}`, op: { kind: 'reg', cls: 'dr', num: n, size: 8 } }));
    case 'F': return [{ text: '%fs', op: { kind: 'reg', cls: 'seg', num: 4, size: 2 } }];
    case 'H': return [{ text: '%gs', op: { kind: 'reg', cls: 'seg', num: 5, size: 2 } }];
    case 'O': return [mem('0x1000', { disp: 0x1000n }), mem('0x1122334455667788', { disp: 0x1122334455667788n }), mem('%fs:0x10', { seg: 4, disp: 0x10n })];
    case 'I': return immsFor(spec, opSize);
    default: return [];
  }
}

const NEEDS_REX = /%r(8|9|1[0-5])|%(spl|bpl|sil|dil)\b/;
const HIGH8 = /%[abcd]h\b/;

function mnemonicFor(fm: Form, opSize: Size, ops: Opnd[], cond: number): string {
  if (fm.attBySize?.[opSize]) return fm.attBySize[opSize]!;
  if (fm.condInOpcode) return fm.mnem + COND_NAMES[cond];
  if (fm.op === 'movzx' || fm.op === 'movsx') return fm.mnem + SUFFIX[fm.operands[1].size === 'b' ? 1 : 2] + SUFFIX[opSize];
  if (fm.op === 'movsxd') return 'movslq';
  if (fm.rep) return fm.mnem + SUFFIX[opSize];
  const hasGpr = ops.some((o, i) => o.op.kind === 'reg' && o.op.cls === 'gpr' && fm.operands[i].loc !== 'C' && fm.operands[i].loc !== 'D');
  if (hasGpr) return fm.mnem;
  if (fm.sz === 'b' || fm.sz === 'v' || fm.sz === 'z') return fm.op === 'setcc' ? fm.mnem : fm.mnem + SUFFIX[opSize];
  if (fm.sz === 'd64' && opSize === 2) return fm.mnem + 'w';
  if ((fm.op === 'push' || fm.op === 'pop') && fm.sz === 'd64') return fm.mnem + 'q';
  return fm.mnem;
}

/** Cartesian product with a cap (keeps every choice of every slot represented). */
function combos(lists: Opnd[][], cap: number): Opnd[][] {
  if (lists.length === 0) return [[]];
  const total = lists.reduce((n, l) => n * l.length, 1);
  const out: Opnd[][] = [];
  const step = Math.max(1, Math.floor(total / cap));
  for (let k = 0; k < total; k += step) {
    let r = k;
    const row: Opnd[] = [];
    for (const l of lists) { row.push(l[r % l.length]); r = Math.floor(r / l.length); }
    out.push(row);
  }
  // also walk each list alongside the first element of the others, so no choice is skipped
  for (let i = 0; i < lists.length; i++) for (const c of lists[i]) out.push(lists.map((l, j) => (j === i ? c : l[0])));
  return out;
}

export function buildCorpus(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  const seen = new Set<string>();
  const add = (e: CorpusEntry) => {
    if (seen.has(e.text)) return;
    seen.add(e.text);
    out.push(e);
  };
  TABLE.forEach((fm) => {
    const conds = fm.condInOpcode ? [...Array(16).keys()] : [0];
    for (const opSize of sizesOf(fm)) {
      if (fm.op === 'bswap' && opSize === 2) continue;
      if ((fm.op === 'sysret' || fm.op === 'lret') && opSize === 2) continue;
      if (fm.op === 'movsxd' && opSize !== 8) continue;
      if ((fm.op === 'movzx' || fm.op === 'movsx') && fm.operands[1].size === 'w' && opSize === 2) continue;
      for (const cond of conds) {
        // jumps: short forms target a label right after, near forms an external symbol
        if (fm.operands[0]?.loc === 'J') {
          const short = fm.operands[0].size === 'b';
          const mn = fm.condInOpcode ? fm.mnem + COND_NAMES[cond] : fm.mnem;
          const prefix = fm.op === 'jrcxz' ? ['jrcxz', 'jecxz'] : [mn];
          for (const name of prefix) {
            add({ text: `${name} ${short ? '1f' : 'ext'}`, req: { mnemonic: name, operands: [{ kind: 'rel', value: short ? { ref: '1f' } : EXTERNAL }], branchSize: short ? 1 : 4 }, label: short });
          }
          continue;
        }
        if (fm.rep) continue; // string forms: below
        const lists = fm.operands.map((s) => choices(fm, s, opSize, fm.condInOpcode));
        const cap = fm.condInOpcode ? 4 : FULL_OPS.has(fm.op) ? 60 : 12;
        for (const row of combos(lists, cap)) {
          const texts = row.map((o) => o.text);
          // AT&T order is reversed Intel order, except for enter
          if (fm.op !== 'enter') texts.reverse();
          const joined = texts.join(',');
          if (HIGH8.test(joined) && (NEEDS_REX.test(joined) || opSize === 8)) continue;
          // only one memory operand per instruction; string/moffs forms keep theirs
          if (row.filter((o) => o.op.kind === 'mem').length > 1) continue;
          if (fm.rep && row.length) continue;
          const indirect = (fm.op === 'jmp' || fm.op === 'call') ? '*' : '';
          const mnemonic = mnemonicFor(fm, opSize, row, cond);
          const text = row.length ? `${mnemonic} ${indirect}${joined}` : mnemonic;
          add({ text, req: { mnemonic, operands: row.map((o) => o.op) } });
        }
      }
    }
    if (fm.rep) {
      for (const opSize of sizesOf(fm)) {
        const m = fm.mnem + SUFFIX[fm.sz === 'z' ? Math.min(opSize, 4) : opSize];
        const reps: EncodeRequest['prefixes'][] = fm.rep === 'rep' ? [['rep']] : [['repe'], ['repne']];
        add({ text: m, req: { mnemonic: m, operands: [] } });
        for (const p of reps) add({ text: `${p![0]} ${m}`, req: { mnemonic: m, operands: [], prefixes: p } });
      }
    }
  });
  // lock prefixes on read-modify-write forms with a memory destination
  TABLE.forEach((fm) => {
    if (!fm.lockable) return;
    for (const opSize of sizesOf(fm)) {
      const dst = mem('(%rax)', { base: 0 });
      const rest = fm.operands.slice(1).map((s) => choices(fm, s, opSize, true)[s.loc === 'I' ? 1 : 2]);
      const row = [dst, ...rest];
      const mnemonic = mnemonicFor(fm, opSize, row, 0);
      const texts = row.map((o) => o.text).reverse();
      add({ text: `lock ${mnemonic} ${texts.join(',')}`, req: { mnemonic, operands: row.map((o) => o.op), prefixes: ['lock'] } });
    }
  });
  // AT&T spellings that differ from the base mnemonic
  const extra: [string, EncodeRequest, boolean?][] = [
    ['shl %eax', { mnemonic: 'shl', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 4 }] }],
    ['sal $0x3,%r9', { mnemonic: 'sal', operands: [{ kind: 'reg', cls: 'gpr', num: 9, size: 8 }, { kind: 'imm', value: 3n }] }],
    ['imul $0x3,%eax', { mnemonic: 'imul', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 4 }, { kind: 'imm', value: 3n }] }],
    ['imul $0x12c,%r10', { mnemonic: 'imul', operands: [{ kind: 'reg', cls: 'gpr', num: 10, size: 8 }, { kind: 'imm', value: 300n }] }],
    ['retq', { mnemonic: 'retq', operands: [] }],
    ['callq *%rax', { mnemonic: 'callq', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 8 }] }],
    ['pushfq', { mnemonic: 'pushfq', operands: [] }],
    ['popfq', { mnemonic: 'popfq', operands: [] }],
    ['movabs $0x1,%rax', { mnemonic: 'movabs', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 8 }, { kind: 'imm', value: 1n }] }],
    ['movabs $ext,%rdx', { mnemonic: 'movabs', operands: [{ kind: 'reg', cls: 'gpr', num: 2, size: 8 }, { kind: 'imm', value: EXTERNAL }] }],
    ['xchg %rbx,%rax', { mnemonic: 'xchg', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 8 }, { kind: 'reg', cls: 'gpr', num: 3, size: 8 }] }],
    ['xchg %eax,%eax', { mnemonic: 'xchg', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 4 }, { kind: 'reg', cls: 'gpr', num: 0, size: 4 }] }],
    ['xchg (%rbx),%ecx', { mnemonic: 'xchg', operands: [{ kind: 'reg', cls: 'gpr', num: 1, size: 4 }, { kind: 'mem', seg: null, base: 3, index: null, scale: 1, disp: 0n }] }],
    ['test (%rbx),%ecx', { mnemonic: 'test', operands: [{ kind: 'reg', cls: 'gpr', num: 1, size: 4 }, { kind: 'mem', seg: null, base: 3, index: null, scale: 1, disp: 0n }] }],
    ['mov $0xffffffff,%rax', { mnemonic: 'mov', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 8 }, { kind: 'imm', value: 0xffffffffn }] }],
    ['mov $-0x1,%rax', { mnemonic: 'mov', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 8 }, { kind: 'imm', value: -1n }] }],
    ['add $0xffffffff,%eax', { mnemonic: 'add', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 4 }, { kind: 'imm', value: 0xffffffffn }] }],
    ['and $0xffffff80,%ebx', { mnemonic: 'and', operands: [{ kind: 'reg', cls: 'gpr', num: 3, size: 4 }, { kind: 'imm', value: 0xffffff80n }] }],
    ['sysretq', { mnemonic: 'sysretq', operands: [] }],
    ['swapgs', { mnemonic: 'swapgs', operands: [] }],
    ['int $0x3', { mnemonic: 'int', operands: [{ kind: 'imm', value: 3n }] }],
    ['loopz 1f', { mnemonic: 'loopz', operands: [{ kind: 'rel', value: { ref: '1f' } }], branchSize: 1 }, true],
    ['jz ext', { mnemonic: 'jz', operands: [{ kind: 'rel', value: EXTERNAL }], branchSize: 4 }],
    ['setnae %al', { mnemonic: 'setnae', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 1 }] }],
    ['cmovnbe %r8,%r9', { mnemonic: 'cmovnbe', operands: [{ kind: 'reg', cls: 'gpr', num: 9, size: 8 }, { kind: 'reg', cls: 'gpr', num: 8, size: 8 }] }],
    ['mov %ds,%rax', { mnemonic: 'mov', operands: [{ kind: 'reg', cls: 'gpr', num: 0, size: 8 }, { kind: 'reg', cls: 'seg', num: 3, size: 2 }] }],
    ['rep movsb %ds:(%rsi),%es:(%rdi)', { mnemonic: 'movsb', prefixes: ['rep'], operands: [
      { kind: 'mem', seg: null, base: 7, index: null, scale: 1, disp: 0n }, { kind: 'mem', seg: 3, base: 6, index: null, scale: 1, disp: 0n }] }],
    ['movsq %fs:(%rsi),%es:(%rdi)', { mnemonic: 'movsq', operands: [
      { kind: 'mem', seg: null, base: 7, index: null, scale: 1, disp: 0n }, { kind: 'mem', seg: 4, base: 6, index: null, scale: 1, disp: 0n }] }],
  ];
  for (const [text, req, label] of extra) add({ text, req, label });
  return out;
}
