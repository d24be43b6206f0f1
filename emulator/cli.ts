// `ringstep` — the command-line front end over the same emulator the debugger drives.
//   ringstep build prog.s [more.s ...] -o prog [--text-base ADDR]
//   ringstep disasm FILE | --raw FILE --base ADDR
//   ringstep run PROGRAM [--strace] [--trace=NAMES] [--trace-ring] [--max-instructions N] [--mitigations=off|LIST]
//                [--seed N] [--file GUEST=HOST]... [--bare] [-- ARGS...]
// This file is the only part of emulator/ that touches the host (files, stdout, exit status).

import { readFileSync, writeFileSync, statSync, readdirSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assemble, writeElf } from './asm/index';
import type { Diagnostic, LinkedImage, SourceFile } from './asm/types';
import { disassembleBlock } from './isa/disasm';
import { readElf } from './machine/elf';
import { createMachine } from './machine/machine';
import type { Machine, MachineEvent, MachineOptions, Mitigations, ProgramInput, StopReason } from './machine/api';
import { syscallName } from './trace/index';
import { runBareMetal } from './cpu/baremetal';

const USAGE = `usage:
  ringstep build FILE.s [FILE.s ...] -o OUTPUT [--text-base ADDR]
  ringstep disasm ELF-FILE
  ringstep disasm --raw FILE --base ADDR
  ringstep run PROGRAM [--strace] [--trace=NAMES] [--trace-ring] [--max-instructions N]
               [--mitigations=off|LIST] [--seed N] [--file GUEST_PATH=HOST_PATH]... [--bare] [-- ARGS...]
      PROGRAM is a .s/.S file, a folder of them, or an ELF64 executable.
      --trace=openat,read,... is --strace showing only those calls (strace -e trace=...).
      --bare runs flat code at ring 0 with no kernel until hlt, then dumps registers and flags.`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

/** A .s/.S file, a folder of them (sorted by name), or a list of files. */
export function readSources(paths: string[]): SourceFile[] {
  const files: SourceFile[] = [];
  for (const p of paths) {
    const st = statSync(p);
    if (st.isDirectory()) {
      const names = readdirSync(p).filter((n) => n.endsWith('.s') || n.endsWith('.S')).sort();
      if (names.length === 0) fail(`${p}: no .s or .S files in this folder`);
      for (const n of names) files.push({ name: resolve(p, n), text: readFileSync(join(p, n), 'utf8') });
    } else {
      files.push({ name: resolve(p), text: readFileSync(p, 'utf8') });
    }
  }
  return files;
}

function isElf(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return false;
    const head = readFileSync(path).subarray(0, 4);
    return head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  } catch {
    return false;
  }
}

function parseNumber(s: string, what: string): bigint {
  try {
    if (!/^(0x[0-9a-f]+|\d+)$/i.test(s)) throw new Error();
    return BigInt(s);
  } catch {
    fail(`${what}: expected a number, got '${s}'`);
  }
}

const MITIGATION_NAMES: (keyof Mitigations)[] = ['pti', 'ibrs', 'retbleed', 'bhi', 'verw', 'randomize_kstack_offset', 'smap', 'smep'];

/** `off` turns every mitigation off; a list (`pti,smap`) keeps only those on; `on`/`all` all on. */
export function parseMitigations(value: string): Partial<Mitigations> {
  const out: Partial<Mitigations> = {};
  if (value === 'off' || value === 'none') {
    for (const n of MITIGATION_NAMES) out[n] = false;
    return out;
  }
  if (value === 'on' || value === 'all') {
    for (const n of MITIGATION_NAMES) out[n] = true;
    return out;
  }
  const wanted = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const w of wanted) {
    if (!MITIGATION_NAMES.includes(w as keyof Mitigations)) fail(`--mitigations: unknown mitigation '${w}' (known: ${MITIGATION_NAMES.join(', ')})`);
  }
  for (const n of MITIGATION_NAMES) out[n] = wanted.includes(n);
  return out;
}

function cmdBuild(argv: string[]): number {
  const inputs: string[] = [];
  let output: string | undefined;
  let textBase: bigint | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o') output = argv[++i] ?? fail('-o needs a file name');
    else if (a === '--text-base') textBase = parseNumber(argv[++i] ?? '', '--text-base');
    else if (a.startsWith('-')) fail(`build: unknown option ${a}`);
    else inputs.push(a);
  }
  if (inputs.length === 0) fail('build: no source files');
  if (!output) fail('build: -o OUTPUT is required');
  const files = readSources(inputs);
  const result = assemble(files, { textBase, readInclude: includeReader });
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  if (!result.image) return 1;
  writeFileSync(output, writeElf(result.image));
  chmodSync(output, 0o755);
  return 0;
}

function includeReader(name: string, fromFile: string): SourceFile | undefined {
  for (const dir of [resolve(fromFile, '..'), process.cwd()]) {
    const p = resolve(dir, name);
    try {
      return { name: p, text: readFileSync(p, 'utf8') };
    } catch {
      /* try the next folder */
    }
  }
  return undefined;
}

function cmdDisasm(argv: string[]): number {
  let raw: string | undefined;
  let base = 0n;
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--raw') raw = argv[++i] ?? fail('--raw needs a file');
    else if (a === '--base') base = parseNumber(argv[++i] ?? '', '--base');
    else if (a.startsWith('-')) fail(`disasm: unknown option ${a}`);
    else file = a;
  }
  if (raw) {
    const bytes = new Uint8Array(readFileSync(raw));
    process.stdout.write(disassembleBlock(bytes, base).join('\n') + '\n');
    return 0;
  }
  if (!file) fail('disasm: no file');
  const { image } = readElf(new Uint8Array(readFileSync(file)));
  const byAddr = new Map<bigint, string>();
  for (const s of image.symbols) if ((s.type === 'func' || s.type === 'notype') && s.name && !byAddr.has(s.address)) byAddr.set(s.address, s.name);
  const symbolize = (addr: bigint) => nearestSymbol(image.symbols, addr);
  let out = `\n${file}:     file format elf64-x86-64\n\n`;
  for (const sec of execSections(image)) {
    out += `\nDisassembly of section ${sec.name}:\n`;
    // split the section at symbols so each gets objdump's "addr <name>:" heading
    const end = sec.address + BigInt(sec.bytes.length);
    const starts = [...byAddr.keys()].filter((a) => a >= sec.address && a < end).sort((a, b) => (a < b ? -1 : 1));
    if (starts.length === 0 || starts[0] !== sec.address) starts.unshift(sec.address);
    for (let i = 0; i < starts.length; i++) {
      const from = Number(starts[i] - sec.address);
      const to = i + 1 < starts.length ? Number(starts[i + 1] - sec.address) : sec.bytes.length;
      const name = byAddr.get(starts[i]);
      out += `\n${starts[i].toString(16).padStart(16, '0')} <${name ?? sec.name}>:\n`;
      out += disassembleBlock(sec.bytes.subarray(from, to), starts[i], symbolize).join('\n') + '\n';
    }
  }
  process.stdout.write(out);
  return 0;
}

/** The executable sections of an image with their bytes (from the segment that holds them). */
function execSections(image: LinkedImage): { name: string; address: bigint; bytes: Uint8Array }[] {
  const out: { name: string; address: bigint; bytes: Uint8Array }[] = [];
  for (const seg of image.segments) {
    if (!seg.exec) continue;
    const secs = seg.sections.length ? seg.sections : [{ name: '.text', vaddr: seg.vaddr, size: seg.bytes.length }];
    for (const sec of secs) {
      const off = Number(sec.vaddr - seg.vaddr);
      if (sec.size > 0) out.push({ name: sec.name, address: sec.vaddr, bytes: seg.bytes.subarray(off, off + sec.size) });
    }
  }
  return out;
}

function nearestSymbol(symbols: { name: string; address: bigint; type: string }[], addr: bigint): string | undefined {
  let best: { name: string; address: bigint } | undefined;
  for (const s of symbols) {
    if (s.type === 'section' || s.type === 'file' || !s.name) continue;
    if (s.address <= addr && (!best || s.address > best.address)) best = s;
  }
  if (!best) return undefined;
  const off = addr - best.address;
  return off === 0n ? best.name : `${best.name}+0x${off.toString(16)}`;
}

interface RunOptions {
  program: string;
  strace: boolean;
  /** --trace=NAMES: only these syscalls' lines (signals and the exit line always show) */
  traceOnly?: Set<string>;
  traceRing: boolean;
  bare: boolean;
  maxInstructions?: number;
  mitigations?: Partial<Mitigations>;
  seed?: number;
  files: Record<string, string | Uint8Array>;
  args: string[];
}

function parseRun(argv: string[]): RunOptions {
  const o: RunOptions = { program: '', strace: false, traceRing: false, bare: false, files: {}, args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') && a.startsWith('--') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (a === '--') {
      o.args.push(...argv.slice(i + 1));
      break;
    } else if (flag === '--strace') o.strace = true;
    else if (flag === '--trace') {
      o.strace = true;
      o.traceOnly = new Set(value().split(',').map((n) => n.trim()).filter(Boolean));
    }
    else if (flag === '--trace-ring') o.traceRing = true;
    else if (flag === '--bare') o.bare = true;
    else if (flag === '--max-instructions') o.maxInstructions = Number(parseNumber(value(), '--max-instructions'));
    else if (flag === '--mitigations') o.mitigations = parseMitigations(value());
    else if (flag === '--seed') o.seed = Number(parseNumber(value(), '--seed'));
    else if (flag === '--file') {
      const spec = value();
      const eq = spec.indexOf('=');
      if (eq <= 0) fail(`--file: expected GUEST_PATH=HOST_PATH, got '${spec}'`);
      o.files[spec.slice(0, eq)] = new Uint8Array(readFileSync(spec.slice(eq + 1)));
    } else if (a.startsWith('-')) fail(`run: unknown option ${a}`);
    else if (!o.program) o.program = a;
    else o.args.push(a);
  }
  if (!o.program) fail('run: no program');
  return o;
}

function cmdRunBare(o: RunOptions): number {
  let code: Uint8Array;
  let base = 0x401000n;
  if (isElf(o.program)) {
    const { image } = readElf(new Uint8Array(readFileSync(o.program)));
    const text = execSections(image)[0] ?? fail(`${o.program}: no executable section`);
    code = text.bytes;
    base = text.address;
  } else {
    const result = assemble(readSources([o.program]), { readInclude: includeReader });
    for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    if (!result.image) return 1;
    const seg = result.image.segments.find((s) => s.exec) ?? fail('no code');
    code = seg.bytes;
    base = seg.vaddr;
  }
  const r = runBareMetal(code, base, { maxSteps: o.maxInstructions ?? 10_000_000 });
  process.stdout.write(r.dump + '\n');
  return r.halted ? 0 : 1;
}

function cmdRun(argv: string[]): Promise<number> | number {
  const o = parseRun(argv);
  if (o.bare) return cmdRunBare(o);
  let program: ProgramInput;
  if (isElf(o.program)) program = { kind: 'elf', name: resolve(o.program), bytes: new Uint8Array(readFileSync(o.program)) };
  else program = { kind: 'sources', files: readSources([o.program]) };
  const opts: MachineOptions = {
    program,
    args: o.args,
    files: o.files,
    mitigations: o.mitigations,
    seed: o.seed,
    maxInstructions: o.maxInstructions,
    strace: o.strace,
  };
  const machine = createMachine(opts);
  if (machine.diagnostics.some((d) => d.severity === 'error')) {
    for (const d of machine.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    return 1;
  }
  return runToEnd(machine, o);
}

/** Runs the machine to its end, printing guest output and traces; resolves to our exit status. */
function runToEnd(machine: Machine, o: RunOptions): Promise<number> {
  // --trace-ring: one line per crossing; a syscall's ring-0 instruction count is printed when it
  // returns (SYSRET or IRET), counted from the SYSCALL that entered.
  let inFlight: { name: string; since: bigint } | undefined;
  machine.on((e) => {
    if (e.kind === 'stdout') (e.fd === 2 ? process.stderr : process.stdout).write(e.bytes);
    else if (e.kind === 'strace' && o.strace && straceWanted(e.line, o.traceOnly)) process.stderr.write(e.line + '\n');
    else if (e.kind === 'ring' && o.traceRing) process.stderr.write(describeCrossing(machine, e, () => inFlight, (v) => (inFlight = v)) + '\n');
  });
  return new Promise((done) => {
    const slice = () => {
      let stop: StopReason;
      try {
        stop = machine.run(200_000);
      } catch (err) {
        process.stderr.write(`ringstep: internal error: ${(err as Error).stack ?? err}\n`);
        return done(70);
      }
      switch (stop.kind) {
        case 'budget':
          return setImmediate(slice);
        case 'exited':
          return done(stop.status); // already a shell's view: 128 + n when killed by signal n
        case 'oops':
          process.stderr.write(stop.text.endsWith('\n') ? stop.text : stop.text + '\n');
          return done(137);
        case 'fault':
          process.stderr.write(`ringstep: ${stop.explanation}\n`);
          return done(134);
        case 'limit':
          process.stderr.write(`ringstep: ${stop.message}\n`);
          return done(124);
        case 'halted':
          process.stderr.write('ringstep: the machine halted\n');
          return done(125);
        case 'breakpoint':
          return setImmediate(slice);
      }
    };
    slice();
  });
}

/** strace -e trace=NAMES: a syscall line shows when its name is listed; `---`/`+++` lines always. */
function straceWanted(line: string, only: Set<string> | undefined): boolean {
  if (!only) return true;
  const name = /^([a-z_0-9]+)\(/.exec(line)?.[1];
  return name === undefined || only.has(name);
}

type RingEvent = Extract<MachineEvent, { kind: 'ring' }>;

/** `[ring] SYSCALL write: ring 3 -> ring 0 at entry_SYSCALL_64 (user rip 0x40100f)` and friends. */
function describeCrossing(
  machine: Machine,
  e: RingEvent,
  get: () => { name: string; since: bigint } | undefined,
  set: (v: { name: string; since: bigint } | undefined) => void,
): string {
  const where = (addr: bigint) => {
    const s = machine.symbolAt(addr);
    const hex = '0x' + addr.toString(16);
    if (!s) return hex;
    return s.offset === 0 ? `${s.symbol.name}` : `${s.symbol.name}+0x${s.offset.toString(16)} (${hex})`;
  };
  const now = machine.cpu.retired;
  if (e.how === 'syscall') {
    const nr = Number(BigInt.asIntN(32, machine.cpu.gpr[0]));
    const name = syscallName(nr);
    set({ name, since: now });
    return `[ring] SYSCALL ${name}: ring ${e.from} -> ring ${e.to} at ${where(e.address)} (user rip 0x${machine.cpu.gpr[1].toString(16)})`;
  }
  let line = `[ring] ${e.how.toUpperCase()}: ring ${e.from} -> ring ${e.to} at ${where(e.address)}`;
  const pending = get();
  if (e.to === 3 && pending) {
    line += ` -- ${pending.name} spent ${now - pending.since} instructions in ring 0`;
    set(undefined);
  }
  return line;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'build':
        return cmdBuild(rest);
      case 'disasm':
        return cmdDisasm(rest);
      case 'run':
        return await cmdRun(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return cmd === undefined ? 2 : 0;
      default:
        fail(`unknown command '${cmd}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ringstep: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && e.code === 'ENOENT') {
      process.stderr.write(`ringstep: ${e.path ?? ''}: no such file or directory\n`);
      return 2;
    }
    process.stderr.write(`ringstep: ${e?.stack ?? err}\n`);
    return 70;
  }
}

// Run when executed directly (`tsx emulator/cli.ts ...`); bin/ringstep.js calls main() itself.
if (typeof require !== 'undefined' && require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
