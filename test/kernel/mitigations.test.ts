// Ring-0 instruction counts for getpid and the 7-byte read, with every mitigation on and off
// (deterministic counts, not times), and the IRET exit for a syscall made with TF set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GETPID, OFF, READ7, ring0Instructions } from './counts';
import { bootWith } from './harness';

test('mitigations cost instructions; both settings return with SYSRET', () => {
  for (const src of [GETPID, READ7]) {
    const on = ring0Instructions(src, 'at');
    const off = ring0Instructions(src, 'at', OFF);
    assert.equal(on.how, 'sysret');
    assert.equal(off.how, 'sysret');
    assert.ok(on.count > off.count + 100, `${on.count} vs ${off.count}`);
  }
});

test('each mitigation alone adds instructions to getpid', () => {
  const base = ring0Instructions(GETPID, 'at', OFF).count;
  for (const k of Object.keys(OFF) as (keyof typeof OFF)[]) {
    if (k === 'smep' || k === 'smap') continue; // CR4 bit only / getpid touches no user memory
    const one = ring0Instructions(GETPID, 'at', { ...OFF, [k]: true }).count;
    assert.ok(one > base, `${k}: ${one} vs ${base}`);
  }
});

// Change pt_regs while stopped at do_syscall_64 (as a tracer could) and see which exit is taken.
function exitAfterEditing(edit: (q: (off: number) => bigint, w: (off: number, v: bigint) => void) => void): string {
  const m = bootWith({ program: { kind: 'sources', files: [{ name: 'p.s', text: GETPID }] } });
  const target = m.symbolByName('do_syscall_64')!.address;
  assert.equal(m.run(500000, (rip) => rip === target).kind, 'breakpoint');
  const regs = m.cpu.gpr[7]; // rdi = regs
  const q = (off: number) => m.readVirtual(regs + BigInt(off), 8).reduce<bigint>((a, b, i) => a | (BigInt(b!) << BigInt(8 * i)), 0n);
  const w = (off: number, v: bigint) => {
    const b = new Uint8Array(8);
    for (let i = 0; i < 8; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
    m.writeVirtual(regs + BigInt(off), b);
  };
  edit(q, w);
  let how = '';
  m.on((e) => { if (e.kind === 'ring' && e.to === 3 && !how) how = e.how; });
  for (let i = 0; i < 5000 && !how; i++) m.step();
  return how;
}

test('the six SYSRET checks: each failing one sends the exit through IRET', () => {
  assert.equal(exitAfterEditing(() => {}), 'sysret');
  assert.equal(exitAfterEditing((q, w) => w(128, q(128) + 2n)), 'iret'); // 2. ip != cx
  assert.equal(exitAfterEditing((q, w) => w(48, q(48) ^ 1n)), 'iret'); // 3. r11 != flags
  assert.equal(exitAfterEditing((q, w) => { w(144, q(144) | 0x100n); w(48, q(48) | 0x100n); }), 'iret'); // 6. TF
  assert.equal(exitAfterEditing((q, w) => { w(144, q(144) | 0x10000n); w(48, q(48) | 0x10000n); }), 'iret'); // 6. RF
  assert.equal(exitAfterEditing((_q, w) => { w(128, 0x7ffffffff000n); w(88, 0x7ffffffff000n); }), 'iret'); // 5. ip >= TASK_SIZE_MAX
});
