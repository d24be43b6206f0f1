// The assembler's public face: assemble+link, the ELF writer, and a cheap per-file analysis for
// the language server.
import type { AssembleOptions, AssembleResult, Diagnostic, SourceFile } from './types';
import { encode } from '../isa/encode';
import { DocSymbol, EncodeFn, FileAssembler, Reference } from './assembler';
import { link } from './link';

export { writeElf } from './elf';
export type { DocSymbol, Reference } from './assembler';

function sortDiagnostics(d: Diagnostic[]): Diagnostic[] {
  // keep file order stable, then by line and column; identical duplicates removed
  const seen = new Set<string>();
  return d.filter((x) => {
    const k = `${x.file}\0${x.line}\0${x.column}\0${x.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Assembles every file (each like one `as` run), then links them into one image. Never throws. */
export function assemble(files: SourceFile[], opts: AssembleOptions = {}, encoder: EncodeFn = encode): AssembleResult {
  const diagnostics: Diagnostic[] = [];
  const counter = { macro: 0 };
  const done: FileAssembler[] = [];
  try {
    for (const f of files) {
      counter.macro = 0; // `\@` counts per assembly (per file), like separate `as` runs
      const fa = new FileAssembler(f, opts, encoder, counter);
      fa.run();
      fa.layout();
      diagnostics.push(...fa.diagnostics);
      done.push(fa);
    }
    if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics: sortDiagnostics(diagnostics) };
    const image = link(done, opts, diagnostics);
    if (!image || diagnostics.some((d) => d.severity === 'error')) return { diagnostics: sortDiagnostics(diagnostics) };
    return { image, diagnostics: sortDiagnostics(diagnostics) };
  } catch (err) {
    diagnostics.push({ file: files[0]?.name ?? '', line: 1, column: 1, endColumn: 1, severity: 'error', message: `internal assembler error: ${(err as Error)?.stack ?? err}` });
    return { diagnostics };
  }
}

export interface AnalyzeResult {
  diagnostics: Diagnostic[];
  /** labels, macros and equates defined in the file (and its includes), with 1-based line/column */
  symbols: DocSymbol[];
  /** every symbol use, 1-based */
  references: Reference[];
}

/**
 * One file on its own, for the language server: parse, expand, encode (so operand errors show),
 * but no linking, so symbols defined in other files are not reported as undefined.
 */
export function analyze(file: SourceFile, opts: AssembleOptions = {}, encoder: EncodeFn | null = encode): AnalyzeResult {
  try {
    const fa = new FileAssembler(file, opts, encoder, { macro: 0 });
    fa.run();
    fa.layout();
    return { diagnostics: sortDiagnostics(fa.diagnostics), symbols: fa.docSymbols, references: fa.references };
  } catch (err) {
    return {
      diagnostics: [{ file: file.name, line: 1, column: 1, endColumn: 1, severity: 'error', message: `internal assembler error: ${(err as Error)?.message ?? err}` }],
      symbols: [],
      references: [],
    };
  }
}
