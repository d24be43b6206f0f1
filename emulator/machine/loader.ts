// The execve half of the loader: turn a ProgramInput (GNU as sources or a static ELF64) into a
// LinkedImage, and build the initial user stack exactly as Linux's create_elf_tables()
// (fs/binfmt_elf.c) and the string copies before it (fs/exec.c) lay it out, with address-space
// randomisation off (our machine is deterministic):
//
//   top (0x7ffffffff000)  8 zero bytes
//                         execfn string (AT_EXECFN)
//                         envp strings, argv strings (argv[0] lowest)
//   (align down to 16)    "x86_64" (AT_PLATFORM)
//                         16 random bytes (AT_RANDOM)
//                         ... padding so RSP is 16-byte aligned ...
//                         auxv pairs, AT_NULL last
//                         NULL, envp[], NULL, argv[]
//   RSP ->                argc

import type { AssembleOptions, AssembleResult, Diagnostic, LinkedImage, SourceFile } from '../asm/types';
import type { ProgramInput } from './api';
import { readElf } from './elf';

export type AssembleFn = (files: SourceFile[], opts?: AssembleOptions) => AssembleResult;

export const USER_TEXT_BASE = 0x401000n;
export const USER_STACK_TOP = 0x7ffffffff000n;
export const USER_STACK_SIZE = 132 * 1024;

export interface UserProgram {
  image?: LinkedImage;
  diagnostics: Diagnostic[];
  phdrAddress: bigint;
  phnum: number;
  phentsize: number;
}

export function loadProgram(input: ProgramInput, assemble: AssembleFn | undefined): UserProgram {
  if (input.kind === 'elf') {
    try {
      const elf = readElf(input.bytes);
      return { image: elf.image, diagnostics: [], phdrAddress: elf.phdrAddress, phnum: elf.phnum, phentsize: elf.phentsize };
    } catch (e) {
      return { diagnostics: [{ file: input.name, line: 1, column: 1, endColumn: 1, severity: 'error', message: (e as Error).message }], phdrAddress: 0n, phnum: 0, phentsize: 56 };
    }
  }
  if (!assemble) throw new Error('no assembler available for a sources program');
  const r = assemble(input.files, { textBase: USER_TEXT_BASE });
  // GNU ld puts the ELF and program headers at the start of the first page below .text
  // (0x400040); they are not part of our image, so AT_PHDR points where ld would have put them.
  return { image: r.image, diagnostics: r.diagnostics, phdrAddress: 0x400040n, phnum: r.image?.segments.length ?? 0, phentsize: 56 };
}

// auxv types (include/uapi/linux/auxvec.h)
export const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12,
  GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, EXECFN: 31,
} as const;

export interface StackInput {
  argv: string[];
  envp: string[];
  execfn: string;
  entry: bigint;
  phdrAddress: bigint;
  phnum: number;
  phentsize: number;
  random16: Uint8Array;
  uid?: number;
  top?: bigint;
}

export interface InitialStack {
  /** initial RSP (points at argc) */
  rsp: bigint;
  /** the bytes from `rsp` up to `top` */
  bytes: Uint8Array;
  top: bigint;
  /** where things went, for tests and the debugger */
  layout: { argv: bigint[]; envp: bigint[]; execfn: bigint; platform: bigint; random: bigint; auxv: [number, bigint][] };
}

const enc = new TextEncoder();

export function buildInitialStack(inp: StackInput): InitialStack {
  const top = inp.top ?? USER_STACK_TOP;
  const writes: { at: bigint; bytes: Uint8Array }[] = [];
  const cstring = (s: string) => {
    const b = enc.encode(s);
    const out = new Uint8Array(b.length + 1);
    out.set(b);
    return out;
  };
  let p = top - 8n; // fs/exec.c leaves a NULL pointer's room at the very top
  const putString = (s: string) => {
    const b = cstring(s);
    p -= BigInt(b.length);
    writes.push({ at: p, bytes: b });
    return p;
  };
  const execfn = putString(inp.execfn);
  // copy_strings copies the last string first, so argv[0] ends up lowest.
  const envp: bigint[] = [];
  for (let i = inp.envp.length - 1; i >= 0; i--) envp[i] = putString(inp.envp[i]);
  const argv: bigint[] = [];
  for (let i = inp.argv.length - 1; i >= 0; i--) argv[i] = putString(inp.argv[i]);

  p &= ~0xfn; // arch_align_stack without randomisation
  const platform = putString('x86_64');
  p -= 16n;
  const random = p;
  writes.push({ at: random, bytes: inp.random16.slice(0, 16) });

  const uid = BigInt(inp.uid ?? 1000);
  const auxv: [number, bigint][] = [
    [AT.HWCAP, 0x178bfbffn],
    [AT.PAGESZ, 4096n],
    [AT.CLKTCK, 100n],
    [AT.PHDR, inp.phdrAddress],
    [AT.PHENT, BigInt(inp.phentsize)],
    [AT.PHNUM, BigInt(inp.phnum)],
    [AT.BASE, 0n],
    [AT.FLAGS, 0n],
    [AT.ENTRY, inp.entry],
    [AT.UID, uid],
    [AT.EUID, uid],
    [AT.GID, uid],
    [AT.EGID, uid],
    [AT.SECURE, 0n],
    [AT.RANDOM, random],
    [AT.EXECFN, execfn],
    [AT.PLATFORM, platform],
    [AT.NULL, 0n],
  ];
  const eiIndex = auxv.length * 2;
  const items = inp.argv.length + 1 + (inp.envp.length + 1) + 1;
  const sp = (p - BigInt(eiIndex * 8) - BigInt(items * 8)) & ~0xfn; // STACK_ROUND
  const words: bigint[] = [BigInt(inp.argv.length), ...argv, 0n, ...envp, 0n];
  for (const [k, v] of auxv) words.push(BigInt(k), v);

  const bytes = new Uint8Array(Number(top - sp));
  const dv = new DataView(bytes.buffer);
  words.forEach((w, i) => dv.setBigUint64(i * 8, w, true));
  for (const w of writes) bytes.set(w.bytes, Number(w.at - sp));
  return { rsp: sp, bytes, top, layout: { argv, envp, execfn, platform, random, auxv } };
}
