// User-mode exceptions as the "user fault (signal)" catch point shows them: the vector (found
// from the IDT gate the CPU went through), error code, CR2, and the signal the kernel will send.

import { VEC_NAMES } from '../emulator/cpu/state';
import type { Outcome } from './runner';
import type { Target } from './target';

const SIGNAL_FOR_VECTOR: Record<number, string> = {
  0: 'SIGFPE', 1: 'SIGTRAP', 3: 'SIGTRAP', 4: 'SIGSEGV', 5: 'SIGSEGV', 6: 'SIGILL', 7: 'SIGSEGV', 10: 'SIGSEGV',
  11: 'SIGBUS', 12: 'SIGBUS', 13: 'SIGSEGV', 14: 'SIGSEGV', 16: 'SIGFPE', 17: 'SIGBUS', 19: 'SIGFPE',
};
const VECTORS_WITH_ERROR_CODE = new Set([8, 10, 11, 12, 13, 14, 17, 21, 29, 30]);

/** Which IDT gate (16 bytes each) leads to `handler`: the vector, or -1. */
export function idtVector(t: Target, handler: bigint): number {
  const cpu = t.cpu;
  const gates = Math.min(256, Math.floor((cpu.idtr.limit + 1) / 16));
  for (let v = 0; v < gates; v++) {
    const g = t.read(cpu.idtr.base + BigInt(16 * v), 16);
    if (g.some((b) => b === null)) continue;
    const b = g as number[];
    const off = BigInt(b[0] | (b[1] << 8)) | (BigInt(b[6] | (b[7] << 8)) << 16n) |
      (BigInt((b[8] | (b[9] << 8) | (b[10] << 16)) >>> 0) << 32n) | (BigInt(b[11]) << 56n);
    if (off === handler) return v;
  }
  return -1;
}

/** A user-mode exception, seen at the first instruction of its kernel handler. */
export function describeUserFault(t: Target, handler: bigint, vector: number): Outcome {
  const cpu = t.cpu;
  const name = VEC_NAMES[vector] ?? (vector >= 0 ? `vector ${vector}` : 'exception');
  const parts: string[] = [vector >= 0 ? `vector ${vector}` : `handler ${t.functionName(handler)}`];
  const sp = cpu.gpr[4];
  const hasCode = VECTORS_WITH_ERROR_CODE.has(vector);
  if (hasCode) {
    const code = t.readU64(sp);
    if (code !== undefined) parts.push(`error code 0x${code.toString(16)}`);
  }
  const rip = t.readU64(hasCode ? sp + 8n : sp);
  if (vector === 14) parts.push(`CR2 0x${cpu.cr2.toString(16)}`);
  const signal = SIGNAL_FOR_VECTOR[vector];
  if (signal) parts.push(`the kernel will send ${signal}`);
  const where = rip !== undefined ? ` at 0x${rip.toString(16)} ${t.describeAddress(rip) ?? ''}`.trimEnd() : '';
  const description = `${name} in user mode${where} (${parts.join(', ')})`;
  return {
    kind: 'stop', reason: 'exception', description,
    exception: { exceptionId: name, description, breakMode: 'always', details: { message: description, typeName: signal ?? name } },
  };
}

