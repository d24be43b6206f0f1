// Register names as the assembler reads them: the ISA's table, plus rip/eip for addressing.
import type { AsmRegOperand } from '../isa/types';
import { parseRegister } from '../isa/registers';

/** The register called `name` (case-insensitive, no %), or undefined. `rip`/`eip` are not here. */
export function lookupRegister(name: string): AsmRegOperand | undefined {
  return parseRegister(name);
}

export function isRipName(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'rip' || n === 'eip';
}
