// The guest kernel's sources, for the machine (which assembles them at start-up) and the debugger
// (which shows them). The text comes from sources.generated.ts (scripts/gen-kernel-bundle.mjs),
// because the emulator core cannot read files at run time.
//
// How to build the kernel: assemble every .S/.s file as its own unit (like one `as` run each),
// with `.include "x"` resolved by kernelReadInclude, at textBase 0xffffffff81000000, entry
// startup_64 -- kernelAssembleOptions() returns exactly those options. Headers (.h/.inc) are
// include-only; passing them as units is harmless (they emit nothing).
import type { AssembleOptions, SourceFile } from '../asm/types';
import { KERNEL_SOURCES } from './sources.generated';

export const KERNEL_TEXT_BASE = 0xffffffff81000000n;
export const KERNEL_ENTRY = 'startup_64';

/** Every kernel file (units and headers), named by its Linux-style path. */
export function kernelSources(): SourceFile[] {
  return KERNEL_SOURCES.map((f) => ({ name: f.name, text: f.text }));
}

/** True for files that are assembled on their own (.S/.s); headers are only included. */
export function isKernelUnit(name: string): boolean {
  return name.endsWith('.S') || name.endsWith('.s');
}

/** The files to hand to `assemble` as units. */
export function kernelUnits(files: SourceFile[] = kernelSources()): SourceFile[] {
  return files.filter((f) => isKernelUnit(f.name));
}

/** `.include` resolution: relative to the kernel tree root, then to include/ (both styles are used). */
export function kernelReadInclude(files: SourceFile[] = kernelSources()): NonNullable<AssembleOptions['readInclude']> {
  const byName = new Map(files.map((f) => [f.name, f] as const));
  return (name: string) => {
    const clean = name.replace(/^\.\//, '');
    return byName.get(clean) ?? byName.get('include/' + clean);
  };
}

/** The options the kernel is built with. */
export function kernelAssembleOptions(files: SourceFile[] = kernelSources()): AssembleOptions {
  return { textBase: KERNEL_TEXT_BASE, entry: KERNEL_ENTRY, readInclude: kernelReadInclude(files) };
}
