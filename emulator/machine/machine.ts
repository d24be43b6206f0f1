// createMachine (api.ts): the machine core (machine-core.ts) wired to our assembler and the guest
// kernel's sources (emulator/kernel/index.ts).
import { assemble } from '../asm/index';
import { kernelAssembleOptions, kernelSources, kernelUnits } from '../kernel/index';
import type { Machine, MachineOptions } from './api';
import { createMachineWith } from './machine-core';

export function createMachine(opts: MachineOptions): Machine {
  return createMachineWith(opts, {
    assemble,
    kernelSources,
    kernelBuild: (files) => ({ units: kernelUnits(files), options: kernelAssembleOptions(files) }),
  });
}

export { createMachineWith } from './machine-core';
