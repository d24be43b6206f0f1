// Reverse execution: N steps forward then N undo() calls give back exactly the state we started
// from (registers, MSRs, every physical page, console state), across SYSCALL/SYSRET, CR writes,
// exception delivery and device output; snapshot/restore likewise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineFor } from './helpers';
import type { RingstepMachine } from '../../emulator/machine/machine-core';

const PROGRAM = `
  mov $5, %r12
1:
  mov $1, %eax
  mov $1, %edi
  lea msg(%rip), %rsi
  mov $3, %edx
  syscall
  rdrand %rax
  push %rax
  dec %r12
  jnz 1b
  mov $60, %eax
  mov $3, %edi
  syscall
msg: .ascii "ab\\n"
`;

function fullState(m: RingstepMachine): string {
  const s = m.cpu;
  const frames = (m.phys as unknown as { frames: Map<number, Uint8Array> }).frames;
  let mem = 0;
  const pages: string[] = [];
  for (const [k, v] of [...frames].sort((a, b) => a[0] - b[0])) {
    let h = 2166136261;
    for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v[i], 16777619) >>> 0;
    pages.push(`${k}:${h}`);
    mem++;
  }
  return JSON.stringify({
    gpr: [...s.gpr].map(String), rip: String(s.rip), rflags: s.rflags, seg: s.seg, cpl: s.cpl,
    cr: [s.cr0, s.cr2, s.cr3, s.cr4, s.efer].map(String), gdtr: s.gdtr, idtr: s.idtr, tr: s.tr,
    retired: String(s.retired), halted: s.halted, msr: [...s.msr].sort((a, b) => a[0] - b[0]).map(String),
    log: m.kernelLog, rng: (m.core as unknown as { rngState: number }).rngState, mem, pages,
  }, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v));
}

test('N steps forward then N undos restore the full state exactly, from boot through exit', () => {
  const m = machineFor('undo', PROGRAM);
  const states: string[] = [];
  m.setRecording(true);
  let n = 0;
  for (;;) {
    states.push(fullState(m));
    const r = m.step();
    n++;
    if (r) {
      assert.deepEqual(r, { kind: 'exited', status: 3 });
      break;
    }
  }
  assert.ok(n > 200, `ran ${n} instructions`);
  assert.equal(m.historyLength, n);
  for (let i = n - 1; i >= 0; i--) {
    assert.ok(m.undo());
    if (i % 17 === 0 || i === n - 1 || i < 5) assert.equal(fullState(m), states[i], `after undoing to step ${i}`);
  }
  assert.equal(m.undo(), false);
  assert.equal(fullState(m), states[0]);
  // and forward again gives the same instruction stream (deterministic, RDRAND included)
  for (let i = 0; i < n - 1; i++) m.step();
  assert.equal(fullState(m), states[n - 1]);
});

test('history is bounded; snapshot/restore is exact', () => {
  const m = machineFor('undo2', PROGRAM);
  m.setRecording(true, 50);
  m.run(120);
  assert.equal(m.historyLength, 50);
  const snap = m.snapshot();
  const at = fullState(m);
  m.run(100000);
  assert.notEqual(fullState(m), at);
  m.restore(snap);
  assert.equal(fullState(m), at);
  assert.deepEqual(m.run(100000), { kind: 'exited', status: 3 });
});

test('recording cost (reported, not asserted)', () => {
  const loop = `
  mov $200000, %rcx
1: add %rcx, %rax
  mov %rax, -8(%rsp)
  dec %rcx
  jnz 1b
  mov $60, %eax
  syscall`;
  const time = (rec: boolean) => {
    const m = machineFor('cost', loop);
    m.setRecording(rec, 1_000_000);
    const t0 = performance.now();
    const r = m.run(10_000_000);
    const ms = performance.now() - t0;
    assert.equal(r.kind, 'exited');
    return { ms, n: Number(m.cpu.retired) };
  };
  time(false);
  const off = time(false);
  const on = time(true);
  console.log(`# ${off.n} instructions: ${(off.n / off.ms / 1000).toFixed(2)} MIPS without recording, ${(on.n / on.ms / 1000).toFixed(2)} MIPS recording (x${(on.ms / off.ms).toFixed(2)})`);
});
