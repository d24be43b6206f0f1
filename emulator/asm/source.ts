// Source text handling shared by the assembler and the language-server entry points:
// comment removal (keeping columns), statement splitting on `;`, comma-separated argument splitting.

/**
 * Splits a file into lines with comments blanked out (replaced by spaces so columns stay right):
 * `#` to end of line and C-style block comments, neither inside a string or after a character quote.
 */
export function stripComments(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    let s = '';
    let i = 0;
    while (i < line.length) {
      const c = line[i];
      if (inBlock) {
        if (c === '*' && line[i + 1] === '/') { inBlock = false; s += '  '; i += 2; } else { s += ' '; i++; }
        continue;
      }
      if (c === '/' && line[i + 1] === '*') { inBlock = true; s += '  '; i += 2; continue; }
      if (c === '#') { s += ' '.repeat(line.length - i); break; }
      if (c === '"') {
        let j = i + 1;
        while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
        s += line.slice(i, j + 1);
        i = j + 1;
        continue;
      }
      if (c === "'") {
        // character literal: the next character (or escape) is never a comment or quote
        let n = line[i + 1] === '\\' ? 3 : 2;
        if (line[i + n] === "'") n++; // the optional closing quote of 'a'
        s += line.slice(i, i + n);
        i += n;
        continue;
      }
      s += c;
      i++;
    }
    out.push(s);
  }
  return out;
}

/** Splits a (comment-free) line on `;` outside strings; each piece keeps its start column (0-based). */
export function splitStatements(line: string): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  let start = 0;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === "'") { i += line[i + 1] === '\\' ? 3 : 2; if (line[i] === "'") i++; continue; }
    if (c === ';') { out.push({ text: line.slice(start, i), col: start }); start = i + 1; }
    i++;
  }
  out.push({ text: line.slice(start), col: start });
  return out;
}

/** One comma-separated argument: its text (trimmed) and the column where that text starts. */
export interface Arg {
  text: string;
  col: number;
}

/** Splits on commas at nesting depth 0 (outside (), [] and strings). Empty input gives []. */
export function splitArgs(text: string, base: number): Arg[] {
  const out: Arg[] = [];
  if (text.trim() === '') return out;
  let depth = 0;
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    out.push({ text: raw.trim(), col: base + start + lead });
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === "'") { i += text[i + 1] === '\\' ? 3 : 2; if (text[i] === "'") i++; continue; }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) { push(i); start = i + 1; }
    i++;
  }
  push(text.length);
  return out;
}

/** Decodes a double-quoted string literal (with its quotes) into bytes. */
export function parseStringLiteral(lit: string): number[] | undefined {
  if (lit.length < 2 || lit[0] !== '"' || lit[lit.length - 1] !== '"') return undefined;
  const out: number[] = [];
  let i = 1;
  const end = lit.length - 1;
  while (i < end) {
    const c = lit[i];
    if (c === '\\') {
      const e = lit[i + 1];
      let code: number;
      if (e === 'n') { code = 10; i += 2; }
      else if (e === 't') { code = 9; i += 2; }
      else if (e === 'r') { code = 13; i += 2; }
      else if (e === 'b') { code = 8; i += 2; }
      else if (e === 'f') { code = 12; i += 2; }
      else if (e === 'v') { code = 11; i += 2; }
      else if (e === 'a') { code = 7; i += 2; }
      else if (e === 'e') { code = 27; i += 2; }
      else if (e === 'x' || e === 'X') {
        let j = i + 2;
        let v = 0;
        while (j < end && /[0-9a-fA-F]/.test(lit[j])) v = (v * 16 + parseInt(lit[j++], 16)) & 0xff;
        code = v;
        i = j;
      } else if (e >= '0' && e <= '7') {
        let j = i + 1;
        let v = 0;
        while (j < end && j < i + 4 && lit[j] >= '0' && lit[j] <= '7') v = v * 8 + (lit.charCodeAt(j++) - 48);
        code = v & 0xff;
        i = j;
      } else { code = e.charCodeAt(0); i += 2; }
      out.push(code);
      continue;
    }
    // UTF-8 encode anything beyond ASCII, as `as` copies the file's bytes
    const cp = lit.codePointAt(i)!;
    const step = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) out.push(cp);
    else for (const b of new TextEncoder().encode(String.fromCodePoint(cp))) out.push(b);
    i += step;
  }
  return out;
}
