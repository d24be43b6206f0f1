// What the assembler+linker hands to everyone else: the loader (machine/), the debugger (line
// table, symbols), the language server (diagnostics, symbols, references) and the CLI (ELF file).

export interface SourceFile {
  /** path as the user/debugger knows it (absolute on the desktop, a URI path in the browser) */
  name: string;
  text: string;
}

export interface Diagnostic {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units of the line */
  column: number;
  /** 1-based, exclusive; equal to column when unknown */
  endColumn: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface SourceLocation {
  file: string;
  line: number;
}

/** One instruction's (or data directive's) bytes and where they came from. */
export interface LineEntry {
  address: bigint;
  length: number;
  file: string;
  line: number;
  /** true for instructions (false for data emitted by .byte/.ascii/...) */
  isCode: boolean;
  /**
   * The chain of macro invocations that produced it, outermost first. Empty when written directly.
   * Each entry is the line that invoked a macro (.macro use, .rept, .irp are included).
   */
  expandedFrom: SourceLocation[];
}

export interface SymbolInfo {
  name: string;
  /** absolute address after linking (or the value, for absolute symbols) */
  address: bigint;
  size: number;
  type: 'func' | 'object' | 'notype' | 'section' | 'file';
  binding: 'global' | 'local' | 'weak';
  /** output section name, or '*ABS*' */
  section: string;
  /** where it was defined, when it came from source */
  definedAt?: SourceLocation & { column: number };
}

export interface ImageSegment {
  vaddr: bigint;
  /** file-backed bytes; memSize may be larger (bss) */
  bytes: Uint8Array;
  memSize: number;
  read: boolean;
  write: boolean;
  exec: boolean;
  /** output sections in this segment, for the debugger's modules/disassembly */
  sections: { name: string; vaddr: bigint; size: number }[];
}

export interface LinkedImage {
  entry: bigint;
  segments: ImageSegment[];
  symbols: SymbolInfo[];
  lines: LineEntry[];
  /** symbol references as written in source, for the language server's find-references */
  references?: { name: string; file: string; line: number; column: number }[];
}

export interface AssembleOptions {
  /** `.include "x"` resolution: return the text or undefined when missing */
  readInclude?: (name: string, fromFile: string) => SourceFile | undefined;
  /** base address of the first loadable segment (text); default 0x401000 */
  textBase?: bigint;
  /** symbols predefined as absolute values (like `as --defsym`) */
  defsym?: Record<string, bigint>;
  /** entry symbol; default `_start` */
  entry?: string;
  /**
   * Output section order: these names first, in this order; then .text, .rodata, .data, .bss, then
   * the rest in order of first appearance. Consecutive sections with the same permissions share a
   * segment unless one of them starts a page (.entry.text, .cpu_entry_area, or `.balign 4096` first).
   */
  sectionOrder?: string[];
}

export interface AssembleResult {
  /** present when there were no errors */
  image?: LinkedImage;
  /** every error and warning, from every file */
  diagnostics: Diagnostic[];
}
