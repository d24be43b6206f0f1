// What the editor says about an instruction, read from the emulator's own instruction table (the
// same table that drives the encoder, decoder and CPU), so hover text cannot disagree with execution.

import { TABLE, SUMMARY, COND_ALIASES, COND_NAMES, type Form } from '../../emulator/isa/table';

export interface InstructionInfo {
  /** the mnemonic as written, lower case */
  written: string;
  /** the table's base mnemonic (AT&T, without a size suffix) */
  base: string;
  /** the table's `op` (cc folded out) */
  op: string;
  summary: string;
  /** operand size implied by an AT&T suffix, in bytes */
  suffixSize?: number;
  /** condition, for jcc/setcc/cmovcc */
  condition?: string;
  flagsWritten: string[];
  flagsUndefined: string[];
  flagsRead: string[];
  notes: string[];
  forms: number;
}

const SUFFIX_SIZE: Record<string, number> = { b: 1, w: 2, l: 4, q: 8 };

const CONDITION_TEXT: Record<string, string> = {
  o: 'overflow (OF=1)', no: 'no overflow (OF=0)', b: 'below, unsigned < (CF=1)', ae: 'above or equal, unsigned >= (CF=0)',
  e: 'equal / zero (ZF=1)', ne: 'not equal / not zero (ZF=0)', be: 'below or equal, unsigned <= (CF=1 or ZF=1)',
  a: 'above, unsigned > (CF=0 and ZF=0)', s: 'sign (SF=1)', ns: 'no sign (SF=0)', p: 'parity even (PF=1)', np: 'parity odd (PF=0)',
  l: 'less, signed < (SF≠OF)', ge: 'greater or equal, signed >= (SF=OF)', le: 'less or equal, signed <= (ZF=1 or SF≠OF)',
  g: 'greater, signed > (ZF=0 and SF=OF)',
};
const CONDITION_FLAGS: Record<string, string[]> = {
  o: ['OF'], no: ['OF'], b: ['CF'], ae: ['CF'], e: ['ZF'], ne: ['ZF'], be: ['CF', 'ZF'], a: ['CF', 'ZF'], s: ['SF'], ns: ['SF'],
  p: ['PF'], np: ['PF'], l: ['SF', 'OF'], ge: ['SF', 'OF'], le: ['ZF', 'SF', 'OF'], g: ['ZF', 'SF', 'OF'],
};

const byMnem = new Map<string, Form[]>();
for (const form of TABLE) {
  const keys = new Set<string>([form.mnem]);
  for (const name of Object.values(form.attBySize ?? {})) if (name) keys.add(name);
  for (const name of Object.values(form.intelBySize ?? {})) if (name) keys.add(name);
  for (const k of keys) {
    const list = byMnem.get(k) ?? [];
    list.push(form);
    byMnem.set(k, list);
  }
}

/** Spellings GNU as accepts for a conditional family, e.g. jcc → je, jz, jne, ... */
function conditionalFamily(written: string): { base: string; cond: string } | undefined {
  for (const prefix of ['cmov', 'set', 'j']) {
    if (!written.startsWith(prefix)) continue;
    let rest = written.slice(prefix.length);
    // cmovl/cmovq suffixes: cmovgeq
    if (prefix === 'cmov' && !(rest in COND_ALIASES) && /[wlq]$/.test(rest) && rest.slice(0, -1) in COND_ALIASES) rest = rest.slice(0, -1);
    if (prefix === 'set' && !(rest in COND_ALIASES) && rest.endsWith('b') && rest.slice(0, -1) in COND_ALIASES) rest = rest.slice(0, -1);
    if (rest in COND_ALIASES) return { base: prefix + 'cc', cond: COND_NAMES[COND_ALIASES[rest]] };
  }
  return undefined;
}

function summarize(written: string, base: string, forms: Form[], extra: Partial<InstructionInfo> = {}): InstructionInfo {
  const writes = new Set<string>();
  const undef = new Set<string>();
  const notes = new Set<string>();
  for (const f of forms) {
    f.writes.forEach((x) => writes.add(x));
    f.undef.forEach((x) => undef.add(x));
    if (f.note) notes.add(f.note);
  }
  const op = forms[0]?.op ?? base;
  return {
    written, base, op,
    summary: SUMMARY[written] ?? SUMMARY[base] ?? SUMMARY[op] ?? base,
    flagsWritten: [...writes], flagsUndefined: [...undef], flagsRead: [], notes: [...notes], forms: forms.length,
    ...extra,
  };
}

/** Look up a mnemonic as written in a source (`movq`, `jle`, `SYSCALL`, `rep movsb`'s `movsb`). */
export function instructionInfo(mnemonic: string): InstructionInfo | undefined {
  const written = mnemonic.toLowerCase();
  const direct = byMnem.get(written);
  if (direct) return summarize(written, written, direct);
  const cc = conditionalFamily(written);
  if (cc) {
    const forms = TABLE.filter((f) => f.op === cc.base || f.op === cc.base.replace('cc', ''));
    const familyForms = forms.length ? forms : TABLE.filter((f) => f.mnem.startsWith(cc.base.slice(0, -2)) && f.condInOpcode);
    return summarize(written, cc.base, familyForms, {
      summary: `${SUMMARY[cc.base] ?? cc.base}: ${CONDITION_TEXT[cc.cond] ?? cc.cond}`,
      condition: cc.cond,
      flagsRead: CONDITION_FLAGS[cc.cond] ?? [],
    });
  }
  // AT&T size suffix: movq, addl, pushq, movzbl/movslq (two suffixes)
  const last = written.slice(-1);
  if (last in SUFFIX_SIZE) {
    const stem = written.slice(0, -1);
    const forms = byMnem.get(stem);
    if (forms) return summarize(written, stem, forms, { suffixSize: SUFFIX_SIZE[last] });
    const ext = /^(movz|movs)([bwl])([wlq])$/.exec(written);
    if (ext) {
      const intel = ext[1] === 'movz' ? 'movzx' : ext[2] === 'l' ? 'movsxd' : 'movsx';
      const f2 = TABLE.filter((f) => f.op === intel || f.mnem === intel || f.mnem === ext[1] + ext[2]);
      return summarize(written, intel, f2, { suffixSize: SUFFIX_SIZE[ext[3]] });
    }
  }
  // string instructions: movsb, stosq, ...
  const str = /^(movs|stos|lods|cmps|scas|ins|outs)([bwdlq])$/.exec(written);
  if (str) {
    const forms = byMnem.get(str[1]) ?? TABLE.filter((f) => f.op === str[1]);
    return summarize(written, str[1], forms, { suffixSize: SUFFIX_SIZE[str[2]] ?? 4 });
  }
  return undefined;
}

/** Every mnemonic worth offering in completion: table mnemonics, suffixed forms and cc spellings. */
export function allMnemonics(): string[] {
  const out = new Set<string>();
  for (const [m, forms] of byMnem) {
    if (forms.some((f) => f.condInOpcode)) continue;
    out.add(m);
    if (forms.some((f) => f.sz === 'v' || f.sz === 'd64' || f.sz === 'b')) for (const s of ['b', 'w', 'l', 'q']) out.add(m + s);
  }
  for (const cond of COND_NAMES) for (const p of ['j', 'set', 'cmov']) out.add(p + cond);
  for (const cond of ['z', 'nz', 'c', 'nc', 'nae', 'nb', 'na', 'nbe', 'nge', 'nl', 'ng', 'nle', 'pe', 'po']) out.add('j' + cond);
  return [...out].sort();
}

export interface RegisterInfo {
  name: string;
  text: string;
}

const GPR_FAMILIES: [string, string, string, string, string][] = [
  // 64, 32, 16, 8, role in the syscall ABI
  ['rax', 'eax', 'ax', 'al', 'syscall number in, return value out'],
  ['rbx', 'ebx', 'bx', 'bl', 'callee-saved'],
  ['rcx', 'ecx', 'cx', 'cl', 'SYSCALL saves the user RIP here (destroyed by the syscall)'],
  ['rdx', 'edx', 'dx', 'dl', 'syscall argument 3'],
  ['rsi', 'esi', 'si', 'sil', 'syscall argument 2'],
  ['rdi', 'edi', 'di', 'dil', 'syscall argument 1'],
  ['rbp', 'ebp', 'bp', 'bpl', 'frame pointer (callee-saved)'],
  ['rsp', 'esp', 'sp', 'spl', 'stack pointer'],
  ['r8', 'r8d', 'r8w', 'r8b', 'syscall argument 5'],
  ['r9', 'r9d', 'r9w', 'r9b', 'syscall argument 6'],
  ['r10', 'r10d', 'r10w', 'r10b', 'syscall argument 4 (rcx is taken by SYSCALL)'],
  ['r11', 'r11d', 'r11w', 'r11b', 'SYSCALL saves the user RFLAGS here (destroyed by the syscall)'],
  ['r12', 'r12d', 'r12w', 'r12b', 'callee-saved'],
  ['r13', 'r13d', 'r13w', 'r13b', 'callee-saved'],
  ['r14', 'r14d', 'r14w', 'r14b', 'callee-saved'],
  ['r15', 'r15d', 'r15w', 'r15b', 'callee-saved'],
];
const HIGH8: Record<string, string> = { ah: 'rax', bh: 'rbx', ch: 'rcx', dh: 'rdx' };
const OTHER_REGS: Record<string, string> = {
  rip: 'Instruction pointer (64-bit); as a memory base, `sym(%rip)` addresses relative to the next instruction.',
  cs: 'Code segment selector; its low two bits are the current privilege level (CPL): 3 in user mode, 0 in the kernel.',
  ss: 'Stack segment selector; SYSCALL loads the kernel SS from IA32_STAR[47:32]+8.',
  ds: 'Data segment selector (ignored for addressing in 64-bit mode).',
  es: 'Extra segment selector (ignored for addressing in 64-bit mode; string destinations).',
  fs: 'FS segment: its base (MSR FS_BASE) addresses thread-local storage in user mode.',
  gs: 'GS segment: in the kernel, after SWAPGS, its base points at per-CPU data.',
  cr0: 'Control register 0: PE, WP, PG and other mode bits.',
  cr2: 'Control register 2: the faulting address of the last page fault.',
  cr3: 'Control register 3: physical address of the top-level page table (the PGD). PTI switches it on every kernel entry and exit.',
  cr4: 'Control register 4: feature enables such as SMEP (bit 20) and SMAP (bit 21).',
};

export function registerInfo(written: string): RegisterInfo | undefined {
  const name = written.replace(/^%/, '').toLowerCase();
  if (OTHER_REGS[name]) return { name, text: OTHER_REGS[name] };
  if (HIGH8[name]) return { name, text: `8-bit register: bits 8–15 of ${HIGH8[name]}. Cannot be used with a REX prefix.` };
  for (const [r64, r32, r16, r8, role] of GPR_FAMILIES) {
    const width = name === r64 ? 64 : name === r32 ? 32 : name === r16 ? 16 : name === r8 || name === r64 + 'l' ? 8 : 0;
    if (!width) continue;
    const part = width === 64 ? 'the whole register'
      : width === 32 ? `the low 32 bits of ${r64}; writing it zeroes bits 32–63`
        : width === 16 ? `the low 16 bits of ${r64}; writing it keeps the other bits`
          : `the low 8 bits of ${r64}; writing it keeps the other bits`;
    return { name, text: `${width}-bit register: ${part}. Role: ${role}.` };
  }
  return undefined;
}

export function allRegisters(): string[] {
  return [...GPR_FAMILIES.flat().filter((_, i) => i % 5 !== 4), ...Object.keys(HIGH8), ...Object.keys(OTHER_REGS)];
}

/** Short descriptions of the directives people meet first. */
export const DIRECTIVES: Record<string, string> = {
  '.text': 'Switch to the code section.',
  '.data': 'Switch to the initialized-data section.',
  '.bss': 'Switch to the zero-initialized section (takes no space in the file).',
  '.section': 'Switch to a named section: `.section name, "flags", @type`.',
  '.globl': 'Make a symbol visible to the linker (global binding).',
  '.global': 'Make a symbol visible to the linker (global binding).',
  '.type': 'Set a symbol\'s type: `.type name, @function` or `@object`.',
  '.size': 'Set a symbol\'s size: `.size name, . - name`.',
  '.set': 'Define an absolute symbol: `.set NAME, expression`.',
  '.equ': 'Define an absolute symbol: `.equ NAME, expression` (same as .set).',
  '.equiv': 'Like .set, but an error if the symbol is already defined.',
  '.byte': 'Emit 1-byte values.', '.word': 'Emit 2-byte values.', '.short': 'Emit 2-byte values.',
  '.long': 'Emit 4-byte values.', '.int': 'Emit 4-byte values.', '.quad': 'Emit 8-byte values.',
  '.ascii': 'Emit string bytes without a terminating zero.', '.asciz': 'Emit a zero-terminated string.', '.string': 'Emit a zero-terminated string.',
  '.zero': 'Emit N zero bytes.', '.skip': 'Reserve N bytes (filled with a value, default 0).', '.space': 'Reserve N bytes (filled with a value, default 0).',
  '.fill': 'Emit `repeat` copies of a `size`-byte value.',
  '.align': 'Align to a byte boundary (x86: the argument is a byte count).', '.balign': 'Align to a byte boundary.', '.p2align': 'Align to 2^N bytes.',
  '.macro': 'Define a macro: `.macro name args ... .endm`.', '.endm': 'End a macro definition.', '.exitm': 'Leave the current macro expansion early.',
  '.rept': 'Repeat the lines up to .endr N times.', '.irp': 'Repeat the lines for each listed value.', '.irpc': 'Repeat the lines for each character.', '.endr': 'End .rept/.irp/.irpc.',
  '.if': 'Assemble the lines that follow if the expression is non-zero.', '.ifdef': 'Assemble if the symbol is defined.', '.ifndef': 'Assemble if the symbol is not defined.',
  '.else': 'Else branch of .if.', '.elseif': 'Else-if branch of .if.', '.endif': 'End of .if.',
  '.include': 'Insert another source file here.',
  '.intel_syntax': 'Switch to Intel syntax (`noprefix`: registers without %).', '.att_syntax': 'Switch back to AT&T syntax.',
  '.pushsection': 'Switch to a section, remembering the current one.', '.popsection': 'Return to the section saved by .pushsection.',
  '.local': 'Make a symbol local.', '.weak': 'Give a symbol weak binding.',
  '.err': 'Stop with an error.', '.error': 'Stop with an error message.', '.warning': 'Emit a warning message.',
  '.file': 'Name the source file (debug info).', '.loc': 'Line-number information (debug info).',
  '.code64': 'Assemble 64-bit code.',
  '.cfi_startproc': 'Start call-frame information for a function.', '.cfi_endproc': 'End call-frame information.',
};
