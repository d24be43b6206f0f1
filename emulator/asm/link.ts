// The linker: merges each file's sections by name (file order), lays them out in page-aligned
// segments by permission, resolves symbols (local per file, global across files) and patches fixups.
import type { AssembleOptions, Diagnostic, ImageSegment, LineEntry, LinkedImage, SymbolInfo } from './types';
import { Expr, ExprError, NotConstant, Position, Value, evaluate, exprSymbols, s64, u64 } from './expr';
import { DataFixup, FileAssembler, Loc, Section } from './assembler';

const PAGE = 4096n;
const alignUp = (v: bigint, a: bigint) => (a <= 1n ? v : (v + a - 1n) / a * a);

interface OutSection {
  name: string;
  flags: string;
  nobits: boolean;
  align: number;
  pageStart: boolean;
  parts: { fa: FileAssembler; sec: Section; base: bigint }[];
  vaddr: bigint;
  size: number;
}

/** Where the standard sections go: text, rodata, data, bss, then everything else in order of appearance. */
const STANDARD_ORDER = ['.text', '.rodata', '.data', '.bss'];

export function link(files: FileAssembler[], opts: AssembleOptions, diagnostics: Diagnostic[]): LinkedImage | undefined {
  const errorAt = (loc: Loc, message: string, col?: number, endCol?: number) => {
    const c = col ?? loc.col;
    diagnostics.push({ file: loc.file, line: loc.line, column: c + 1, endColumn: Math.max(endCol ?? loc.endCol, c + 1) + 1, severity: 'error', message });
  };

  // ---- global symbols
  const globals = new Map<string, { fa: FileAssembler; name: string; weak: boolean }>();
  for (const fa of files) {
    for (const s of fa.symbols.values()) {
      if (s.kind === 'undefined' || s.binding === 'local') continue;
      const prev = globals.get(s.name);
      if (prev && !prev.weak && s.binding !== 'weak') {
        const at = s.definedAt!;
        diagnostics.push({ file: at.file, line: at.line, column: at.column, endColumn: at.column + s.name.length, severity: 'error', message: `multiple definition of '${s.name}' (first defined in ${prev.fa.file.name})` });
        continue;
      }
      if (!prev || (prev.weak && s.binding !== 'weak')) globals.set(s.name, { fa, name: s.name, weak: s.binding === 'weak' });
    }
  }

  // ---- output sections in order
  const outs = new Map<string, OutSection>();
  for (const fa of files) {
    for (const sec of fa.sections.values()) {
      let o = outs.get(sec.name);
      if (!o) {
        o = { name: sec.name, flags: sec.flags, nobits: sec.nobits, align: 1, pageStart: false, parts: [], vaddr: 0n, size: 0 };
        outs.set(sec.name, o);
      }
      for (const f of sec.flags) if (!o.flags.includes(f)) o.flags += f;
      o.nobits = o.nobits && sec.nobits;
      o.align = Math.max(o.align, sec.align);
      // only the first contribution's start decides whether the output section starts a page
      if (o.parts.length === 0 || o.parts.every((p) => p.sec.offsets[p.sec.items.length] === 0)) o.pageStart ||= sec.pageStart;
      o.parts.push({ fa, sec, base: 0n });
    }
  }
  const order = [...(opts.sectionOrder ?? []), ...STANDARD_ORDER];
  const rank = (n: string) => { const i = order.indexOf(n); return i < 0 ? order.length : i; };
  const appearance = [...outs.keys()];
  const sorted = [...outs.values()].sort((a, b) => rank(a.name) - rank(b.name) || appearance.indexOf(a.name) - appearance.indexOf(b.name));

  // ---- addresses and segments
  const textBase = opts.textBase ?? 0x401000n;
  const segments: ImageSegment[] = [];
  let seg: ImageSegment | null = null;
  let segEndsPage = false;
  let cur = textBase;
  let prevNobits = false;
  const perms = (o: OutSection) => (o.flags.includes('x') ? 'rx' : o.flags.includes('w') ? 'rw' : 'r');
  for (const o of sorted) {
    // place every file's part, aligned to that part's alignment
    let total = 0n;
    let start: bigint | null = null;
    const contentSize = o.parts.reduce((n, p) => n + p.sec.offsets[p.sec.items.length], 0);
    if (contentSize === 0) {
      // empty: labels in it still need addresses, but it occupies no segment
      o.vaddr = cur;
      for (const p of o.parts) p.base = cur;
      continue;
    }
    const p = perms(o);
    const needNew = !seg || segEndsPage || o.pageStart || prevNobits || perms2(seg) !== p;
    if (needNew) {
      cur = alignUp(cur, PAGE);
      seg = { vaddr: cur, bytes: new Uint8Array(0), memSize: 0, read: true, write: p === 'rw', exec: p === 'rx', sections: [] };
      segments.push(seg);
    }
    cur = alignUp(cur, BigInt(o.align));
    for (const part of o.parts) {
      cur = alignUp(cur, BigInt(part.sec.align));
      if (start === null) start = cur;
      part.base = cur;
      cur += BigInt(part.sec.offsets[part.sec.items.length]);
    }
    o.vaddr = start!;
    total = cur - o.vaddr;
    o.size = Number(total);
    seg!.sections.push({ name: o.name, vaddr: o.vaddr, size: o.size });
    segEndsPage = o.pageStart;
    prevNobits = o.nobits;
  }
  function perms2(s: ImageSegment) { return s.exec ? 'rx' : s.write ? 'rw' : 'r'; }

  // ---- resolution
  const baseOf = new Map<FileAssembler, Map<string, bigint>>();
  for (const o of sorted) for (const p of o.parts) {
    let m = baseOf.get(p.fa);
    if (!m) baseOf.set(p.fa, (m = new Map()));
    m.set(p.sec.name, p.base);
  }
  const posAddr = (fa: FileAssembler, p: Position): bigint =>
    baseOf.get(fa)!.get(p.section)! + BigInt(fa.sections.get(p.section)!.offsets[p.item] ?? 0);

  type R = { sym: (e: Extract<Expr, { k: 'sym' }>) => Value | undefined; pos: (p: Position) => Value };
  const resolvers = new Map<FileAssembler, R>();
  let depth = 0;
  const symValue = (fa: FileAssembler, name: string): Value | undefined => {
    if (depth > 100) throw new ExprError(`symbol '${name}' is defined in terms of itself`, 0);
    const s = fa.symbols.get(name);
    if (s?.kind === 'label') return { sec: null, off: posAddr(fa, s.pos!) };
    if (s?.kind === 'equ') {
      depth++;
      try { return evaluate(s.expr!, resolverFor(fa)); } finally { depth--; }
    }
    const g = globals.get(name);
    if (g && g.fa !== fa) return symValue(g.fa, name);
    const d = opts.defsym?.[name];
    if (d !== undefined) return { sec: null, off: u64(d) };
    return undefined;
  };
  function resolverFor(fa: FileAssembler): R {
    let r = resolvers.get(fa);
    if (!r) {
      r = { pos: (p) => ({ sec: null, off: posAddr(fa, p) }), sym: (e) => symValue(fa, e.name) };
      resolvers.set(fa, r);
    }
    return r;
  }
  /** Evaluates at link time; reports and returns undefined on failure. */
  const evalAt = (fa: FileAssembler, e: Expr, loc: Loc): bigint | undefined => {
    try {
      const v = evaluate(e, resolverFor(fa));
      if (v) return v.off;
      const missing = exprSymbols(e).find((x) => symValue(fa, x.name) === undefined);
      if (missing) errorAt(loc, `undefined symbol '${missing.name.replace(/^\.L(\d+)\u0002\d+$/, '$1')}'`, missing.col, missing.endCol);
      else errorAt(loc, 'expression cannot be resolved');
    } catch (err) {
      if (err instanceof ExprError) errorAt(loc, err.message, err.col || loc.col, err.endCol > err.col ? err.endCol : undefined);
      else if (err instanceof NotConstant) errorAt(loc, 'expression cannot be resolved');
      else errorAt(loc, `internal error: ${(err as Error)?.message}`);
    }
    return undefined;
  };

  // ---- bytes, fixups, line table
  const lines: LineEntry[] = [];
  const sectionBytes = new Map<string, Uint8Array>();
  for (const o of sorted) {
    if (o.size === 0 || o.nobits) continue;
    const out = new Uint8Array(o.size);
    sectionBytes.set(o.name, out);
    for (const part of o.parts) {
      const sec = part.sec;
      sec.items.forEach((it, i) => {
        const at = Number(part.base - o.vaddr) + sec.offsets[i];
        const addr = part.base + BigInt(sec.offsets[i]);
        let bytes: Uint8Array;
        let fixups: DataFixup[] = [];
        let isCode = false;
        if (it.kind === 'bytes') { bytes = it.bytes; fixups = it.fixups; isCode = it.isCode; }
        else if (it.kind === 'branch') { const enc = it.useLong ? it.long : it.short!; bytes = enc.bytes; fixups = enc.fixups; isCode = true; }
        else if (it.kind === 'align') { out.set(FileAssembler.alignBytes(sec, it), at); return; }
        else { out.fill(it.fill, at, at + it.size); return; }
        out.set(bytes, at);
        for (const f of fixups) patch(out, at, addr, bytes.length, f, part.fa);
        if (bytes.length) lines.push({ address: addr, length: bytes.length, file: it.loc.file, line: it.loc.line, isCode, expandedFrom: it.loc.expandedFrom });
      });
    }
  }
  function patch(out: Uint8Array, at: number, addr: bigint, len: number, f: DataFixup, fa: FileAssembler) {
    let v = evalAt(fa, f.expr, f.loc);
    if (v === undefined) return;
    if (f.pcRelative) v = u64(v - (addr + BigInt(len)));
    if (f.size < 8) {
      const bits = BigInt(8 * f.size);
      const sv = s64(v);
      const ok = f.signed || f.pcRelative
        ? sv >= -(1n << (bits - 1n)) && sv < 1n << (bits - 1n)
        : sv >= -(1n << (bits - 1n)) && sv < 1n << bits;
      if (!ok) {
        const what = f.pcRelative ? (f.size === 1 ? 'jump target out of range of a short branch' : 'pc-relative value out of range') : `value 0x${v.toString(16)} does not fit in ${f.size} byte${f.size > 1 ? 's' : ''}`;
        errorAt(f.loc, what);
        return;
      }
    }
    for (let b = 0; b < f.size; b++) out[at + f.offset + b] = Number((v >> BigInt(8 * b)) & 0xffn);
  }

  // ---- segments' bytes
  for (const s of segments) {
    const last = s.sections[s.sections.length - 1];
    const end = last.vaddr + BigInt(last.size);
    s.memSize = Number(end - s.vaddr);
    let fileEnd = s.vaddr;
    for (const sec of s.sections) if (sectionBytes.has(sec.name)) fileEnd = sec.vaddr + BigInt(sec.size);
    const bytes = new Uint8Array(Number(fileEnd - s.vaddr));
    for (const sec of s.sections) {
      const b = sectionBytes.get(sec.name);
      if (b) bytes.set(b, Number(sec.vaddr - s.vaddr));
    }
    s.bytes = bytes;
  }

  // ---- symbol table
  const symbols: SymbolInfo[] = [];
  const outOf = (fa: FileAssembler, p: Position) => p.section;
  for (const fa of files) {
    for (const s of fa.symbols.values()) {
      if (s.kind === 'undefined' || s.name.startsWith('.L')) continue;
      const at = s.definedAt ? { file: s.definedAt.file, line: s.definedAt.line, column: s.definedAt.column } : undefined;
      const loc: Loc = { file: at?.file ?? fa.file.name, line: at?.line ?? 1, col: (at?.column ?? 1) - 1, endCol: (at?.column ?? 1) - 1 + s.name.length, expandedFrom: [] };
      let address: bigint | undefined;
      let section = '*ABS*';
      if (s.kind === 'label') { address = posAddr(fa, s.pos!); section = outOf(fa, s.pos!); }
      else {
        address = evalAt(fa, s.expr!, loc);
        // an equate of a place (`alias = label`) belongs to that place's section
        const syms = exprSymbols(s.expr!);
        const first = syms.length === 1 ? fa.symbols.get(syms[0].name) : undefined;
        if (first?.kind === 'label') section = first.pos!.section;
        else if (s.expr!.k === 'pos') section = s.expr!.pos.section;
      }
      if (address === undefined) continue;
      let size = 0;
      if (s.sizeExpr) {
        const v = evalAt(fa, s.sizeExpr, loc);
        if (v !== undefined) size = Number(v & 0xffffffffn);
      }
      symbols.push({ name: s.name, address, size, type: s.type ?? 'notype', binding: s.binding, section, definedAt: at });
    }
  }

  const entryName = opts.entry ?? '_start';
  const g = globals.get(entryName);
  let entry: bigint | undefined;
  if (g) entry = symValue(g.fa, entryName)?.off;
  else {
    // like ld: a local _start in the only file still works; else the start of .text
    for (const fa of files) { const v = fa.symbols.get(entryName); if (v?.kind === 'label') { entry = posAddr(fa, v.pos!); break; } }
  }
  if (entry === undefined) {
    entry = outs.get('.text')?.vaddr ?? textBase;
    if (files.length) diagnostics.push({ file: files[0].file.name, line: 1, column: 1, endColumn: 2, severity: 'warning', message: `cannot find entry symbol '${entryName}'; defaulting to 0x${entry.toString(16)}` });
  }
  const references = files.flatMap((fa) => fa.references.map((r) => ({ ...r, name: r.name })));
  return { entry, segments, symbols, lines, references };
}
