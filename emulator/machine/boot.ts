// The bootloader's part of BOOT.md: place the kernel image and the user program in physical
// memory, build the PTI page-table pair (kernel PGD + user PGD) and the direct map, write
// boot_params and the files table, and set the CPU state the kernel expects at startup_64.

import type { LinkedImage } from '../asm/types';
import { CpuState, CR0, CR4, EFER, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from '../cpu/state';
import { PTE } from '../cpu/mmu';
import type { Mitigations } from './api';
import { PAGE_SIZE, PhysicalMemory } from './memory';
import { buildInitialStack, InitialStack, StackInput, USER_STACK_SIZE, USER_STACK_TOP } from './loader';

export const KERNEL_VIRT_BASE = 0xffffffff81000000n;
export const KERNEL_PHYS_BASE = 0x1000000;
export const PAGE_OFFSET_BASE = 0xffff888000000000n;
export const BOOT_PARAMS_PHYS = 0x7000;
export const BOOT_PARAMS_MAGIC = 0x50455453474e4952n; // the bytes "RINGSTEP"
export const PT_AREA_START = 0x100000;
export const PT_AREA_END = 0x1000000;
export const MMAP_BASE = 0x7ffff7fff000n;
export const FIRST_PID = 1000n;

export const MITIGATION_BITS: (keyof Mitigations)[] = ['pti', 'ibrs', 'retbleed', 'bhi', 'verw', 'randomize_kstack_offset', 'smap', 'smep'];

export function mitigationMask(m: Mitigations): bigint {
  let v = 0n;
  MITIGATION_BITS.forEach((k, i) => {
    if (m[k]) v |= 1n << BigInt(i);
  });
  return v;
}

const pageUp = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

/** Builds 4-level page tables in physical memory from a bump allocator. */
export class PageTableBuilder {
  private next: number;
  constructor(private readonly phys: PhysicalMemory, start: number, private readonly end: number) {
    this.next = start;
  }
  allocTable(align = PAGE_SIZE): number {
    this.next = Math.ceil(this.next / align) * align;
    const at = this.next;
    this.next += align === 2 * PAGE_SIZE ? 2 * PAGE_SIZE : PAGE_SIZE;
    if (this.next > this.end) throw new Error('out of page-table memory');
    return at;
  }
  /** Maps one 4 KiB page; intermediate entries are permissive (the leaf decides), with US only
   *  in the user half, like Linux's _PAGE_TABLE vs _KERNPG_TABLE. */
  map(pgd: number, va: bigint, pa: number, leafFlags: bigint): void {
    const userHalf = va < 0x800000000000n;
    const tableFlags = PTE.P | PTE.RW | PTE.A | PTE.D | (userHalf ? PTE.US : 0n);
    let table = pgd;
    for (let level = 4; level > 1; level--) {
      const index = Number((va >> BigInt(12 + 9 * (level - 1))) & 0x1ffn);
      const at = table + index * 8;
      let e = this.phys.readUint(at, 8);
      if (!(e & PTE.P)) {
        const t = this.allocTable();
        e = BigInt(t) | tableFlags;
        this.phys.writeUint(at, 8, e);
      }
      table = Number(e & 0x000ffffffffff000n);
    }
    const index = Number((va >> 12n) & 0x1ffn);
    this.phys.writeUint(table + index * 8, 8, BigInt(pa) | leafFlags);
  }
  get used(): number {
    return this.next;
  }
}

export interface BootInput {
  kernel: LinkedImage;
  user: LinkedImage;
  stack: Omit<StackInput, 'top' | 'entry'>;
  files: { path: string; data: Uint8Array }[];
  mitigations: Mitigations;
  seed: number;
  traced: boolean;
}

export interface BootResult {
  pgdPhys: number;
  brkStart: bigint;
  stack: InitialStack;
  physFreeStart: number;
  /** user page -> physical frame, for tests */
  userPages: Map<bigint, number>;
}

function leafFlagsFor(seg: { write: boolean; exec: boolean }, user: boolean): bigint {
  let f = PTE.P | PTE.A;
  if (seg.write) f |= PTE.RW | PTE.D;
  if (!seg.exec) f |= PTE.NX;
  if (user) f |= PTE.US;
  return f;
}

export function boot(phys: PhysicalMemory, state: CpuState, inp: BootInput): BootResult {
  const pt = new PageTableBuilder(phys, PT_AREA_START, PT_AREA_END);
  const pgd = pt.allocTable(2 * PAGE_SIZE); // the 8 KiB PTI pair
  const userPgd = pgd + PAGE_SIZE;

  // ---- kernel image: phys = 0x1000000 + (va - 0xffffffff81000000)
  let kernelEnd = KERNEL_PHYS_BASE;
  for (const seg of inp.kernel.segments) {
    const pa = KERNEL_PHYS_BASE + Number(seg.vaddr - KERNEL_VIRT_BASE);
    phys.writeBytes(pa, seg.bytes);
    const first = seg.vaddr & ~0xfffn;
    const end = seg.vaddr + BigInt(seg.memSize);
    for (let va = first; va < end; va += 4096n) {
      pt.map(pgd, va, KERNEL_PHYS_BASE + Number(va - KERNEL_VIRT_BASE), leafFlagsFor(seg, false));
    }
    kernelEnd = Math.max(kernelEnd, pageUp(KERNEL_PHYS_BASE + Number(end - KERNEL_VIRT_BASE)));
  }

  // ---- direct map of all RAM (supervisor, RW, NX)
  for (let pa = 0; pa < phys.size; pa += PAGE_SIZE) {
    pt.map(pgd, PAGE_OFFSET_BASE + BigInt(pa), pa, PTE.P | PTE.RW | PTE.A | PTE.D | PTE.NX);
  }

  // ---- user program pages, right after the kernel
  let nextFrame = kernelEnd;
  const userPages = new Map<bigint, number>();
  const userFrame = (va: bigint, flags: bigint): number => {
    const page = va & ~0xfffn;
    let frame = userPages.get(page);
    if (frame === undefined) {
      frame = nextFrame;
      nextFrame += PAGE_SIZE;
      userPages.set(page, frame);
      pt.map(pgd, page, frame, flags);
    }
    return frame;
  };
  let brk = 0n;
  for (const seg of inp.user.segments) {
    const flags = leafFlagsFor(seg, true);
    const end = seg.vaddr + BigInt(seg.memSize);
    for (let va = seg.vaddr & ~0xfffn; va < end; va += 4096n) userFrame(va, flags);
    for (let i = 0; i < seg.bytes.length; ) {
      const va = seg.vaddr + BigInt(i);
      const off = Number(va & 0xfffn);
      const n = Math.min(seg.bytes.length - i, PAGE_SIZE - off);
      phys.writeBytes(userPages.get(va & ~0xfffn)! + off, seg.bytes.subarray(i, i + n));
      i += n;
    }
    if (end > brk) brk = end;
  }
  brk = (brk + 0xfffn) & ~0xfffn;

  // ---- user stack (132 KiB below the top), argc/argv/envp/auxv
  const stackFlags = PTE.P | PTE.RW | PTE.US | PTE.A | PTE.D | PTE.NX;
  const stackLow = USER_STACK_TOP - BigInt(USER_STACK_SIZE);
  for (let va = stackLow; va < USER_STACK_TOP; va += 4096n) userFrame(va, stackFlags);
  const stack = buildInitialStack({ ...inp.stack, entry: inp.user.entry, top: USER_STACK_TOP });
  for (let i = 0; i < stack.bytes.length; ) {
    const va = stack.rsp + BigInt(i);
    const off = Number(va & 0xfffn);
    const n = Math.min(stack.bytes.length - i, PAGE_SIZE - off);
    phys.writeBytes(userPages.get(va & ~0xfffn)! + off, stack.bytes.subarray(i, i + n));
    i += n;
  }

  // ---- user PGD: share the user-half PML4 entries, then the entry text and cpu_entry_area
  for (let i = 0; i < 256; i++) phys.writeUint(userPgd + i * 8, 8, phys.readUint(pgd + i * 8, 8));
  for (const seg of inp.kernel.segments) {
    for (const sec of seg.sections) {
      if (sec.name !== '.entry.text' && sec.name !== '.cpu_entry_area') continue;
      const end = sec.vaddr + BigInt(sec.size);
      for (let va = sec.vaddr & ~0xfffn; va < end; va += 4096n) {
        pt.map(userPgd, va, KERNEL_PHYS_BASE + Number(va - KERNEL_VIRT_BASE), leafFlagsFor(seg, false));
      }
    }
  }

  // ---- files table and contents (direct-map addresses)
  const files = inp.files;
  const tablePhys = nextFrame;
  nextFrame += pageUp(Math.max(1, files.length * 32));
  const enc = new TextEncoder();
  files.forEach((f, i) => {
    const path = enc.encode(f.path);
    const pathPhys = nextFrame;
    phys.writeBytes(pathPhys, path);
    nextFrame = pageUp(nextFrame + path.length + 1);
    const dataPhys = nextFrame;
    phys.writeBytes(dataPhys, f.data);
    nextFrame = pageUp(nextFrame + Math.max(1, f.data.length));
    const e = tablePhys + i * 32;
    phys.writeUint(e, 8, PAGE_OFFSET_BASE + BigInt(pathPhys));
    phys.writeUint(e + 8, 8, BigInt(path.length));
    phys.writeUint(e + 16, 8, PAGE_OFFSET_BASE + BigInt(dataPhys));
    phys.writeUint(e + 24, 8, BigInt(f.data.length));
  });
  const physFreeStart = pageUp(nextFrame);

  // ---- boot_params
  const bp = BOOT_PARAMS_PHYS;
  const magic = new Uint8Array([0x52, 0x49, 0x4e, 0x47, 0x53, 0x54, 0x45, 0x50]); // "RINGSTEP"
  phys.writeBytes(bp, magic);
  const put = (off: number, v: bigint) => phys.writeUint(bp + off, 8, v);
  put(0x08, inp.user.entry);
  put(0x10, stack.rsp);
  put(0x18, brk);
  put(0x20, mitigationMask(inp.mitigations));
  put(0x28, BigInt(inp.seed >>> 0));
  put(0x30, BigInt(physFreeStart));
  put(0x38, BigInt(phys.size));
  put(0x40, PAGE_OFFSET_BASE + BigInt(tablePhys));
  put(0x48, BigInt(files.length));
  put(0x50, BigInt(pgd));
  put(0x58, inp.traced ? 1n : 0n);
  put(0x60, PAGE_OFFSET_BASE);
  put(0x68, MMAP_BASE);
  put(0x70, stackLow);
  put(0x78, FIRST_PID);

  // ---- CPU state at startup_64
  state.cr0 = CR0.PE | CR0.MP | CR0.WP | CR0.PG;
  state.cr4 = CR4.PAE;
  state.efer = EFER.LME | EFER.LMA | EFER.NXE;
  state.cr3 = BigInt(pgd);
  state.seg[SEG_CS] = { sel: 0x10, base: 0n, limit: 0xffffffff, dpl: 0, long: true, present: true };
  for (const r of [SEG_SS, SEG_DS, SEG_ES]) state.seg[r] = { sel: 0x18, base: 0n, limit: 0xffffffff, dpl: 0, long: false, present: true };
  for (const r of [SEG_FS, SEG_GS]) state.seg[r] = { sel: 0, base: 0n, limit: 0, dpl: 0, long: false, present: false };
  state.gdtr = { base: 0n, limit: 0 };
  state.idtr = { base: 0n, limit: 0 };
  state.cpl = 0;
  state.gpr.fill(0n);
  state.gpr[6] = PAGE_OFFSET_BASE + BigInt(BOOT_PARAMS_PHYS); // RSI = boot_params, like Linux
  state.rflags = 0x2;
  const startup = inp.kernel.symbols.find((s) => s.name === 'startup_64');
  state.rip = startup ? startup.address : inp.kernel.entry;

  return { pgdPhys: pgd, brkStart: brk, stack, physFreeStart, userPages };
}
