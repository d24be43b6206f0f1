// The shapes that flow between the instruction table and its three users:
//   decoder  (bytes -> Instruction, consumed by the CPU and the disassembler)
//   encoder  (mnemonic + AsmOperand[] -> bytes + fixups, used by the assembler)
//   disassembler (Instruction -> objdump's AT&T text)
// All 64-bit quantities are bigint, kept as unsigned two's complement (0 .. 2^64-1).
// Operand lists are in Intel order: destination first.

export type Size = 1 | 2 | 4 | 8;

/** Segment registers by their encoding number (ES=0 CS=1 SS=2 DS=3 FS=4 GS=5). */
export type SegNum = 0 | 1 | 2 | 3 | 4 | 5;

export interface RegOperand {
  kind: 'reg';
  /** gpr: rax..r15 (0..15); seg: es..gs (0..5); cr: cr0..cr15; dr: dr0..dr7 */
  cls: 'gpr' | 'seg' | 'cr' | 'dr';
  num: number;
  size: Size;
  /** true for ah, ch, dh, bh (num is then 0..3 for a/c/d/b, the byte at bits 8..15) */
  high8?: boolean;
}

export interface MemOperand {
  kind: 'mem';
  /** bytes accessed; 0 when the instruction does not access memory through it (lea, invlpg) */
  size: number;
  /** explicit segment override prefix, or null */
  seg: SegNum | null;
  /** gpr number, RIP for rip-relative, or null */
  base: number | typeof RIP | null;
  index: number | null;
  scale: 1 | 2 | 4 | 8;
  /** sign-extended displacement as a signed bigint (may be negative) */
  disp: bigint;
  /** 8 normally, 4 with a 0x67 prefix */
  addrSize: 4 | 8;
  /** (decoder, optional) bytes of displacement actually encoded: objdump prints `0x0(%rbp)` for a disp8 of 0 */
  dispSize?: 0 | 1 | 4 | 8;
  /** (decoder, optional) a SIB byte was present: objdump prints `(%rax,%riz,1)` for a SIB without index */
  sib?: boolean;
}
/** Marker for rip-relative addressing in MemOperand.base. */
export const RIP = -1 as const;

export interface ImmOperand {
  kind: 'imm';
  /** the immediate already extended to `size` bytes as the instruction defines it, unsigned */
  value: bigint;
  size: Size;
}

export interface RelOperand {
  kind: 'rel';
  /** absolute branch target (next RIP + displacement), unsigned 64-bit */
  target: bigint;
}

/** Far pointer / port (`in $0x80,%al` uses ImmOperand; `in (%dx),%al` uses RegOperand dx). */
export type Operand = RegOperand | MemOperand | ImmOperand | RelOperand;

export type RepPrefix = 'rep' | 'repne' | null;

/** One decoded instruction. Produced by isa/decode.ts; never mutated after decoding. */
export interface Instruction {
  /** address it was decoded at */
  address: bigint;
  /** encoded length in bytes */
  length: number;
  /** the raw bytes */
  bytes: Uint8Array;
  /**
   * Semantic operation, the key the CPU dispatches on: the Intel SDM mnemonic in lower case with
   * the condition folded out ('jcc', 'setcc', 'cmovcc' + cond) and without size variants
   * ('movs' not 'movsq'; 'cbw' covers cbw/cwde/cdqe, 'cwd' covers cwd/cdq/cqo, 'iret' covers
   * iretq, 'sysret' covers sysretq). The full list is the `op` column of isa/table.ts.
   */
  op: string;
  /** condition code 0..15 (o,no,b,ae,e,ne,be,a,s,ns,p,np,l,ge,le,g) for jcc/setcc/cmovcc/loopcc */
  cond?: number;
  operands: Operand[];
  /** effective operand size (1, 2, 4 or 8) */
  opSize: Size;
  addrSize: 4 | 8;
  rep: RepPrefix;
  lock: boolean;
  /** segment override prefix if any */
  seg: SegNum | null;
  /** index of the table entry that matched (isa/table.ts TABLE[i]) */
  form: number;
}

// ---- assembler -> encoder --------------------------------------------------------------------

/**
 * A value the assembler could not (yet) resolve to a number: the encoder emits zeros in its field
 * and reports a Fixup carrying `ref` back, unchanged, for the assembler/linker to patch.
 */
export interface Symbolic {
  ref: unknown;
}

export interface AsmRegOperand {
  kind: 'reg';
  cls: 'gpr' | 'seg' | 'cr' | 'dr';
  num: number;
  size: Size;
  high8?: boolean;
}

export interface AsmMemOperand {
  kind: 'mem';
  seg: SegNum | null;
  base: number | typeof RIP | null;
  /** true when the source used a 32-bit base/index register (emits 0x67) */
  addr32?: boolean;
  index: number | null;
  scale: 1 | 2 | 4 | 8;
  /** known displacement, or a symbolic one (then always disp32, or the rip-relative disp32) */
  disp: bigint | Symbolic;
  /** access size when the syntax made it explicit (suffix, `qword ptr`); else undefined */
  size?: Size;
}

export interface AsmImmOperand {
  kind: 'imm';
  value: bigint | Symbolic;
}

/** A branch/call target written as an expression (jmp foo, call 1f). */
export interface AsmRelOperand {
  kind: 'rel';
  value: Symbolic;
}

export type AsmOperand = AsmRegOperand | AsmMemOperand | AsmImmOperand | AsmRelOperand;

export interface EncodeRequest {
  /** mnemonic as written, lower case, may carry an AT&T size suffix: 'movq', 'mov', 'jne', 'movzbl' */
  mnemonic: string;
  /** Intel order (destination first) */
  operands: AsmOperand[];
  /** prefixes written before the mnemonic */
  prefixes?: ('rep' | 'repe' | 'repz' | 'repne' | 'repnz' | 'lock' | 'data16' | 'addr32' | 'rex' | 'rex.w')[];
  /** for relative branches: which displacement size to use (the assembler's relaxation decides) */
  branchSize?: 1 | 4;
  /** 'intel' changes how ambiguous operand sizes are reported (no suffixes there) */
  syntax?: 'att' | 'intel';
}

export interface Fixup {
  /** byte offset of the field inside the encoded instruction */
  offset: number;
  size: 1 | 2 | 4 | 8;
  /** true: the field holds target - (address of the end of the instruction) */
  pcRelative: boolean;
  /** true when the field is sign-extended by the CPU (disp32, imm32 in a 64-bit op) */
  signed: boolean;
  /** the Symbolic.ref from the operand */
  ref: unknown;
}

export type EncodeResult =
  | { ok: true; bytes: Uint8Array; fixups: Fixup[] }
  | { ok: false; error: string };
