// Test helpers for the guest kernel: build it with our assembler (the way index.ts documents) and
// boot a machine on it. Part B's files are patched in memory for two assembler gaps
// (`movabsq $imm` and `'c'` character literals) until those are fixed at the source.
import { assemble } from '../../emulator/asm/index';
import type { LinkedImage, SourceFile } from '../../emulator/asm/types';
import { kernelAssembleOptions, kernelSources, kernelUnits } from '../../emulator/kernel/index';
import { createMachineWith } from '../../emulator/machine/machine-core';
import type { Machine, MachineEvent, MachineOptions, StopReason } from '../../emulator/machine/api';

let cached: { image?: LinkedImage; errors: string[] } | undefined;

export function patchedKernelSources(): SourceFile[] {
  return kernelSources().map((f) => ({
    name: f.name,
    text: f.text.replace(/\bmovabsq(\s)/g, 'movq$1').replace(/\$'\\n'/g, '$10').replace(/\$'(.)'/g, (_m, c: string) => `$${c.charCodeAt(0)}`),
  }));
}

export function buildKernel(): { image?: LinkedImage; errors: string[] } {
  if (cached) return cached;
  const files = patchedKernelSources();
  const r = assemble(kernelUnits(files), kernelAssembleOptions(files));
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`);
  cached = { image: r.image, errors };
  return cached;
}

export interface RunResult {
  machine: Machine;
  stop: StopReason;
  stdout: string;
  stderr: string;
  strace: string[];
  events: MachineEvent[];
}

/** Builds a variant kernel (for tests that need a kernel bug) from edited sources. */
export function buildKernelFrom(files: SourceFile[]): LinkedImage {
  const r = assemble(kernelUnits(files), kernelAssembleOptions(files));
  if (!r.image) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join('\n'));
  return r.image;
}

export function bootWith(opts: MachineOptions, kernelImage?: LinkedImage): Machine {
  if (kernelImage) return createMachineWith({ ...opts, kernelImage } as MachineOptions, { assemble });
  const k = buildKernel();
  if (!k.image) throw new Error('kernel did not build:\n' + k.errors.join('\n'));
  return createMachineWith({ ...opts, kernelImage: k.image } as MachineOptions, { assemble });
}

export function runProgram(source: string, opts: Partial<MachineOptions> = {}, budget = 2_000_000): RunResult {
  const m = bootWith({ program: { kind: 'sources', files: [{ name: 'prog.s', text: source }] }, ...opts });
  const dec = new TextDecoder();
  let stdout = '', stderr = '';
  const strace: string[] = [];
  const events: MachineEvent[] = [];
  m.on((e) => {
    events.push(e);
    if (e.kind === 'stdout') { if (e.fd === 1) stdout += dec.decode(e.bytes); else stderr += dec.decode(e.bytes); }
    if (e.kind === 'strace') strace.push(e.line);
  });
  let stop = m.run(budget);
  while (stop.kind === 'budget' && budget > 0) { stop = m.run(budget); budget = 0; }
  return { machine: m, stop, stdout, stderr, strace, events };
}
