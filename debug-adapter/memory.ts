// Memory and disassembly requests: readMemory/writeMemory through the current page tables
// (unmapped bytes are reported as unreadable, never as zeros) and disassemble with symbols and
// source locations.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { formatAtt } from '../emulator/isa/disasm';
import type { Target } from './target';

const MASK64 = (1n << 64n) - 1n;

/** memoryReference strings are addresses: "0x7ffffffde000" (decimal accepted too). */
export function parseAddress(ref: unknown, what = 'memoryReference'): bigint {
  if (typeof ref !== 'string' || !/^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(ref)) {
    throw new Error(`'${what}' must be an address like 0x401000, not ${JSON.stringify(ref)}`);
  }
  return BigInt(ref.trim()) & MASK64;
}

function toBase64(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function readMemory(t: Target, args: DebugProtocol.ReadMemoryArguments): DebugProtocol.ReadMemoryResponse['body'] {
  const base = parseAddress(args.memoryReference);
  const offset = args.offset ?? 0;
  if (!Number.isInteger(offset)) throw new Error(`'offset' must be an integer`);
  if (!Number.isInteger(args.count) || args.count < 0) throw new Error(`'count' must be a non-negative integer`);
  const count = Math.min(args.count, 1 << 20);
  const start = (base + BigInt(offset)) & MASK64;
  const bytes = t.read(start, count);
  let readable = 0;
  while (readable < bytes.length && bytes[readable] !== null) readable++;
  let unreadable = 0;
  while (readable + unreadable < bytes.length && bytes[readable + unreadable] === null) unreadable++;
  if (readable === 0) {
    // Nothing readable at the start: report how much to skip.
    return { address: `0x${start.toString(16)}`, unreadableBytes: unreadable, data: '' };
  }
  return {
    address: `0x${start.toString(16)}`,
    data: toBase64(bytes.slice(0, readable) as number[]),
    ...(unreadable ? { unreadableBytes: unreadable } : {}),
  };
}

export function writeMemory(t: Target, args: DebugProtocol.WriteMemoryArguments): DebugProtocol.WriteMemoryResponse['body'] {
  const base = parseAddress(args.memoryReference);
  if (typeof args.data !== 'string') throw new Error(`'data' must be base64 text`);
  const start = (base + BigInt(args.offset ?? 0)) & MASK64;
  const bytes = fromBase64(args.data);
  // Write only what is mapped; stop at the first unmapped byte (partial writes are allowed).
  const mapped = t.read(start, bytes.length);
  let n = 0;
  while (n < bytes.length && mapped[n] !== null) n++;
  if (n === 0 && bytes.length > 0) throw new Error(`cannot write at 0x${start.toString(16)}: not mapped in the current page tables`);
  if (!args.allowPartial && n < bytes.length) throw new Error(`only ${n} of ${bytes.length} bytes at 0x${start.toString(16)} are mapped (set allowPartial to write them)`);
  if (n && !t.write(start, bytes.slice(0, n))) throw new Error(`the write at 0x${start.toString(16)} failed`);
  t.invalidateCode();
  return { offset: 0, bytesWritten: n };
}

/** Every instruction start the line tables know, sorted, for walking backwards. */
function knownInstructionStarts(t: Target): bigint[] {
  const cached = (t as unknown as { _starts?: bigint[] })._starts;
  if (cached) return cached;
  const starts = [...t.machine.userImage.lines, ...t.machine.kernelImage.lines].filter((l) => l.isCode).map((l) => l.address);
  starts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  (t as unknown as { _starts?: bigint[] })._starts = starts;
  return starts;
}

function lowerBound(arr: bigint[], x: bigint): number {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function disassemble(
  t: Target,
  args: DebugProtocol.DisassembleArguments,
  sourceFor: (file: string) => DebugProtocol.Source | undefined,
): DebugProtocol.DisassembleResponse['body'] {
  const base = (parseAddress(args.memoryReference) + BigInt(args.offset ?? 0)) & MASK64;
  const count = args.instructionCount;
  if (!Number.isInteger(count) || count < 0) throw new Error(`'instructionCount' must be a non-negative integer`);
  let insnOffset = args.instructionOffset ?? 0;
  if (!Number.isInteger(insnOffset)) throw new Error(`'instructionOffset' must be an integer`);
  const out: DebugProtocol.DisassembledInstruction[] = [];
  let addr = base;
  const wanted = Math.min(count, 10_000);

  if (insnOffset < 0) {
    // Walk backwards through known instruction starts; where none are known, show placeholders.
    const starts = knownInstructionStarts(t);
    const i = lowerBound(starts, base);
    const back = -insnOffset;
    const avail = starts[i] === base ? i : 0;
    const take = Math.min(back, avail);
    const unknown = back - take;
    for (let k = 0; k < unknown && out.length < wanted; k++) {
      out.push({ address: `0x${((base - BigInt(unknown - k)) & MASK64).toString(16)}`, instruction: '', presentationHint: 'invalid' });
    }
    addr = take ? starts[i - take] : base;
    insnOffset = 0;
  }
  // Skip forward instructionOffset instructions.
  for (let k = 0; k < insnOffset; k++) addr += BigInt(t.decodeAt(addr)?.length ?? 1);

  let lastFile: string | undefined;
  while (out.length < wanted) {
    const a = addr & MASK64;
    const raw = t.read(a, 1);
    if (raw[0] === null) {
      out.push({ address: `0x${a.toString(16)}`, instruction: '<unreadable: not mapped in the current page tables>', presentationHint: 'invalid' });
      addr += 1n;
      continue;
    }
    const insn = t.decodeAt(a);
    const entry: DebugProtocol.DisassembledInstruction = { address: `0x${a.toString(16)}`, instruction: '' };
    let len = 1;
    if (insn) {
      len = insn.length;
      entry.instructionBytes = [...insn.bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      entry.instruction = formatAtt(insn, (x) => t.describeAddress(x)?.slice(1, -1));
    } else {
      const b = t.read(a, 1)[0] as number;
      entry.instructionBytes = b.toString(16).padStart(2, '0');
      entry.instruction = '(bad)';
    }
    const sym = t.machine.symbolAt(a);
    if (sym && sym.offset === 0) entry.symbol = sym.symbol.name;
    const line = t.displayLine(a);
    if (line) {
      if (line.file !== lastFile) {
        const src = sourceFor(line.file);
        if (src) entry.location = src;
        lastFile = line.file;
      }
      entry.line = line.line;
    }
    out.push(entry);
    addr += BigInt(len);
  }
  return { instructions: out };
}
