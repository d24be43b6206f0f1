// Reverse execution through checkpoints: runs while recording go at block speed and keep only a
// checkpoint every CHECKPOINT_INTERVAL steps (plus the old bytes of the pages written since);
// undo() goes back to a checkpoint and re-executes forward. The oracle is the machine's own
// forward run: every state seen going forward (full register file, MSRs, every non-zero physical
// page, console state, RDRAND state) must come back, exactly, when undoing to its position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineFor } from './helpers';
import { CHECKPOINT_INTERVAL, type RingstepMachine } from '../../emulator/machine/machine-core';
import type { MachineEvent } from '../../emulator/machine/api';

// Five rounds of: fill fresh .bss pages with RDRAND values (new frames, so going back must drop
// them again), then write(2). Ends with a #UD the fixture kernel delivers to a halting stub (a
// fault is a step that retires nothing).
const PROGRAM = `
  mov $5, %r12
outer:
  lea buf(%rip), %rdi
  mov %r12, %rax
  shl $12, %rax
  add %rax, %rdi
  mov $6000, %ecx
1: rdrand %rax
  mov %rax, (%rdi)
  add $24, %rdi
  dec %ecx
  jnz 1b
  mov $1, %eax
  mov $1, %edi
  lea msg(%rip), %rsi
  mov $3, %edx
  syscall
  dec %r12
  jnz outer
  ud2
msg: .ascii "ab\\n"
  .bss
buf: .zero 200000
`;

function position(m: RingstepMachine): number {
  return (m as unknown as { position: number }).position;
}

/** Everything restore() promises, with all-zero pages left out (a frame allocated and then
 *  given back to zeros reads the same as one never allocated). */
function fullState(m: RingstepMachine): string {
  const s = m.cpu;
  const frames = (m.phys as unknown as { frames: Map<number, Uint8Array> }).frames;
  const pages: string[] = [];
  for (const [k, v] of [...frames].sort((a, b) => a[0] - b[0])) {
    if (v.every((b) => b === 0)) continue;
    let h = 2166136261;
    for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v[i], 16777619) >>> 0;
    pages.push(`${k}:${h}`);
  }
  return JSON.stringify({
    gpr: [...s.gpr].map(String), rip: String(s.rip), rflags: s.rflags, seg: s.seg, cpl: s.cpl,
    cr: [s.cr0, s.cr2, s.cr3, s.cr4, s.efer].map(String), gdtr: s.gdtr, idtr: s.idtr, tr: s.tr,
    retired: String(s.retired), halted: s.halted, msr: [...s.msr].sort((a, b) => a[0] - b[0]).map(String),
    log: m.kernelLog, rng: (m.core as unknown as { rngState: number }).rngState, pages,
  }, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v));
}

interface Sample { pos: number; state: string; out: number }

/** Records with batched runs, sampling the state every `every` steps until the machine stops. */
function recordRun(m: RingstepMachine, every: number, events: MachineEvent[], out: () => number): Sample[] {
  const samples: Sample[] = [{ pos: position(m), state: fullState(m), out: out() }];
  for (;;) {
    const r = m.run(every);
    samples.push({ pos: position(m), state: fullState(m), out: out() });
    if (r.kind !== 'budget') {
      assert.equal(r.kind, 'halted', JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
      break;
    }
  }
  void events;
  return samples;
}

test('undo across several checkpoints gives back the state recorded at each position', () => {
  const m = machineFor('ckpt', PROGRAM);
  const events: MachineEvent[] = [];
  m.on((e) => events.push(e));
  m.setRecording(true, 1_000_000);
  const samples = recordRun(m, 7919, events, () => events.length);
  const end = samples[samples.length - 1].pos;
  assert.ok(end - samples[0].pos > 3 * CHECKPOINT_INTERVAL, `ran ${end - samples[0].pos} steps`);
  assert.ok(m.cpu.cpl === 0 && m.cpu.halted, 'the #UD was delivered to the halting stub');
  assert.equal(m.historyLength, end - samples[0].pos);
  const seen = events.length;
  for (let i = samples.length - 1; i >= 0; i--) {
    while (position(m) > samples[i].pos) assert.ok(m.undo());
    assert.equal(position(m), samples[i].pos);
    assert.equal(fullState(m), samples[i].state, `at step ${samples[i].pos}`);
  }
  assert.equal(m.historyLength, 0);
  assert.equal(m.undo(), false);
  assert.equal(events.length, seen, 'undo emitted no events');
});

test('re-execution is silent; running forward again emits the rest of the output once', () => {
  const m = machineFor('ckpt-out', PROGRAM);
  let text = '';
  let count = 0;
  m.on((e) => {
    count++;
    if (e.kind === 'stdout') text += String.fromCharCode(...e.bytes);
  });
  m.setRecording(true, 1_000_000);
  const samples = recordRun(m, 10007, [], () => text.length);
  assert.equal(text, 'ab\n'.repeat(5));
  const full = text;
  const countAtEnd = count;
  // back to a position in the middle (three checkpoints back), one undo at a time
  const mid = samples[Math.floor(samples.length / 3)];
  while (position(m) > mid.pos) m.undo();
  assert.equal(count, countAtEnd, 'no event while going back');
  assert.equal(fullState(m), mid.state);
  text = '';
  assert.equal(m.run(10_000_000).kind, 'halted');
  assert.equal(full.slice(0, mid.out) + text, full, 'the rest of the output, once');
  assert.equal(fullState(m), samples[samples.length - 1].state);
});

test('history stays bounded far beyond maxInstructions; undo reaches back exactly that far', () => {
  // Endless: each pass writes 64 pages, so every checkpoint's page log holds them all.
  const m = machineFor('ckpt-bound', `
2: lea buf(%rip), %rdi
  mov $64, %ecx
1: mov %rcx, (%rdi)
  add $4096, %rdi
  dec %ecx
  jnz 1b
  jmp 2b
  .bss
buf: .zero 64*4096
`);
  const keep = 120_000;
  m.setRecording(true, keep);
  m.run(600_000);
  const bytesEarly = m.historyBytes!;
  m.run(1_800_000);
  const before = fullState(m);
  const at = position(m);
  m.run(keep);
  const bytesLate = m.historyBytes!;
  assert.equal(m.historyLength, keep);
  // checkpoints for keep / interval segments (plus the one being written), 64 pages each
  const bound = (keep / CHECKPOINT_INTERVAL + 2) * (64 * 4096 + 64 * 16 + 4096);
  assert.ok(bytesLate <= bound, `${bytesLate} bytes held, bound ${bound}`);
  assert.ok(bytesLate <= bytesEarly * 1.5, `${bytesLate} bytes late vs ${bytesEarly} early`);
  for (let i = 0; i < keep; i++) assert.ok(m.undo());
  assert.equal(position(m), at);
  assert.equal(fullState(m), before);
  assert.equal(m.undo(), false);
});

test('single steps and runs mix: step back over a checkpoint taken while stepping', () => {
  const m = machineFor('ckpt-mix', PROGRAM);
  m.setRecording(true, 1_000_000);
  m.run(CHECKPOINT_INTERVAL - 20);
  const states: string[] = [];
  for (let i = 0; i < 40; i++) {
    states.push(fullState(m));
    assert.equal(m.step(), null);
  }
  for (let i = 39; i >= 0; i--) {
    assert.ok(m.undo());
    assert.equal(fullState(m), states[i], `step ${i}`);
  }
  // and from there further back through re-execution, then forward again
  const p = position(m);
  for (let i = 0; i < 1000; i++) assert.ok(m.undo());
  m.run(1000);
  assert.equal(position(m), p);
  assert.equal(fullState(m), states[0]);
});

test('a delivered fault is a step of its own: undo stops before and after its delivery', () => {
  const probe = machineFor('ckpt-fault', PROGRAM);
  const start = position(probe);
  assert.equal(probe.run(10_000_000).kind, 'halted');
  const length = position(probe) - start;

  const m = machineFor('ckpt-fault', PROGRAM);
  m.setRecording(true, 1_000_000);
  m.run(length - 12);
  const states: string[] = [];
  const rips: bigint[] = [];
  for (;;) {
    states.push(fullState(m));
    rips.push(m.cpu.rip);
    if (m.run(1).kind !== 'budget') break; // one step at a time, without the journal
  }
  // the #UD and its delivery are two positions: at the ud2 (ring 3), then at its stub (ring 0)
  const ud = rips.findIndex((r, i) => r < 0x800000000000n && i + 1 < rips.length && rips[i + 1] >= 0xffff800000000000n);
  assert.ok(ud >= 0, 'a step from the ud2 to the exception stub');
  for (let i = states.length - 1; i >= 0; i--) {
    assert.ok(m.undo());
    assert.equal(fullState(m), states[i], `step ${i} (ud2 at ${ud})`);
  }
});
