// The paging permission matrix (SDM Vol. 3 §4.6) with exact #PF error codes, A/D bits, the TLB
// (stale until INVLPG/CR3), PCID + NOFLUSH, reserved bits and canonical addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mmu, PTE, PF } from '../../emulator/cpu/mmu';
import { CpuFault, CpuState, CR0, CR4, EFER, F, Vec } from '../../emulator/cpu/state';
import { PhysicalMemory } from '../../emulator/machine/memory';
import { PageTableBuilder } from '../../emulator/machine/boot';

const USER_RW = 0x400000n, USER_RO = 0x401000n, USER_NX = 0x402000n, KERN_RW = 0xffffffff81000000n, KERN_RO = 0xffffffff81001000n;

function setup() {
  const phys = new PhysicalMemory(16 * 1024 * 1024);
  const s = new CpuState();
  const pt = new PageTableBuilder(phys, 0x100000, 0x200000);
  const pgd = pt.allocTable();
  const base = PTE.P | PTE.A;
  pt.map(pgd, USER_RW, 0x300000, base | PTE.RW | PTE.US | PTE.D);
  pt.map(pgd, USER_RO, 0x301000, base | PTE.US);
  pt.map(pgd, USER_NX, 0x302000, base | PTE.RW | PTE.US | PTE.NX);
  pt.map(pgd, KERN_RW, 0x303000, base | PTE.RW);
  pt.map(pgd, KERN_RO, 0x304000, base);
  s.cr0 = CR0.PE | CR0.PG | CR0.WP;
  s.cr4 = CR4.PAE;
  s.efer = EFER.LME | EFER.LMA | EFER.NXE;
  s.cr3 = BigInt(pgd);
  const mmu = new Mmu(s, phys);
  return { phys, s, mmu, pt, pgd };
}

type Op = 'read' | 'write' | 'fetch';
function attempt(mmu: Mmu, addr: bigint, op: Op): number | 'ok' | 'gp' {
  try {
    if (op === 'write') mmu.write(addr, 1, 0n);
    else if (op === 'fetch') mmu.fetch(addr, 1);
    else mmu.read(addr, 1, 'read');
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof CpuFault);
    if (e.vector === Vec.GP) return 'gp';
    assert.equal(e.vector, Vec.PF);
    assert.equal(e.cr2, addr);
    return e.errorCode!;
  }
}

test('user-mode accesses: U/S, R/W, NX with exact error codes', () => {
  const { s, mmu } = setup();
  s.cpl = 3;
  const U = PF.U, P = PF.P, W = PF.W, I = PF.I;
  const expect: [bigint, Op, number | 'ok'][] = [
    [USER_RW, 'read', 'ok'], [USER_RW, 'write', 'ok'], [USER_RW, 'fetch', 'ok'],
    [USER_RO, 'read', 'ok'], [USER_RO, 'write', P | W | U], [USER_RO, 'fetch', 'ok'],
    [USER_NX, 'read', 'ok'], [USER_NX, 'write', 'ok'], [USER_NX, 'fetch', P | U | I],
    [KERN_RW, 'read', P | U], [KERN_RW, 'write', P | W | U], [KERN_RW, 'fetch', P | U | I],
    [0x10000000n, 'read', U], [0x10000000n, 'write', W | U], [0x10000000n, 'fetch', U | I],
  ];
  for (const [a, op, want] of expect) assert.equal(attempt(mmu, a, op), want, `${op} 0x${a.toString(16)}`);
});

test('supervisor accesses: CR0.WP, SMEP, SMAP with RFLAGS.AC, implicit accesses', () => {
  const { s, mmu } = setup();
  s.cpl = 0;
  assert.equal(attempt(mmu, KERN_RO, 'write'), PF.P | PF.W);
  s.cr0 &= ~CR0.WP;
  mmu.flushAll();
  assert.equal(attempt(mmu, KERN_RO, 'write'), 'ok', 'WP=0: the kernel may write read-only pages');
  assert.equal(attempt(mmu, USER_RO, 'write'), 'ok');
  s.cr0 |= CR0.WP;
  // no SMEP/SMAP: the kernel may touch and run user pages
  assert.equal(attempt(mmu, USER_RW, 'fetch'), 'ok');
  assert.equal(attempt(mmu, USER_RW, 'read'), 'ok');
  s.cr4 |= CR4.SMEP | CR4.SMAP;
  mmu.cr4Written();
  assert.equal(attempt(mmu, USER_RW, 'fetch'), PF.P | PF.I, 'SMEP');
  assert.equal(attempt(mmu, USER_RW, 'read'), PF.P, 'SMAP, AC clear');
  assert.equal(attempt(mmu, USER_RW, 'write'), PF.P | PF.W);
  s.rflags |= F.AC;
  assert.equal(attempt(mmu, USER_RW, 'read'), 'ok', 'SMAP, AC set (STAC)');
  assert.equal(attempt(mmu, USER_RW, 'write'), 'ok');
  assert.equal(attempt(mmu, USER_RW, 'fetch'), PF.P | PF.I, 'AC does not lift SMEP');
  assert.throws(() => mmu.readSystem(USER_RW, 8), (e: CpuFault) => e.errorCode === PF.P, 'implicit accesses ignore AC');
  s.cpl = 3; // a supervisor access made at CPL 3 is never covered by AC either
  assert.throws(() => mmu.readAs(USER_RW, 8, 0, false, false), (e: CpuFault) => e.errorCode === PF.P);
  assert.equal(attempt(mmu, KERN_RW, 'read'), PF.P | PF.U);
});

test('Accessed and Dirty bits are set like hardware; reserved bits give RSVD', () => {
  const { phys, s, mmu, pgd, pt } = setup();
  const va = 0x500000n;
  pt.map(pgd, va, 0x305000, PTE.P | PTE.RW | PTE.US);
  const leafAddr = () => {
    let t = pgd;
    for (let l = 4; l > 1; l--) t = Number(phys.readUint(t + Number((va >> BigInt(12 + 9 * (l - 1))) & 0x1ffn) * 8, 8) & 0xffffffffff000n);
    return t + Number((va >> 12n) & 0x1ffn) * 8;
  };
  const at = leafAddr();
  assert.equal(phys.readUint(at, 8) & (PTE.A | PTE.D), 0n);
  mmu.read(va, 8, 'read');
  assert.equal(phys.readUint(at, 8) & (PTE.A | PTE.D), PTE.A);
  mmu.write(va, 8, 1n);
  assert.equal(phys.readUint(at, 8) & (PTE.A | PTE.D), PTE.A | PTE.D);
  // reserved address bit 50 in the leaf
  phys.writeUint(at, 8, phys.readUint(at, 8) | (1n << 50n));
  mmu.invlpg(va);
  s.cpl = 3;
  assert.equal(attempt(mmu, va, 'read'), PF.P | PF.RSVD | PF.U);
  // NX with EFER.NXE = 0 is reserved too
  phys.writeUint(at, 8, (phys.readUint(at, 8) & ~(1n << 50n)) | PTE.NX);
  s.efer &= ~EFER.NXE;
  mmu.flushAll();
  assert.equal(attempt(mmu, va, 'read'), PF.P | PF.RSVD | PF.U);
});

test('the TLB keeps a stale translation until INVLPG or a CR3 write; NOFLUSH with PCID keeps it', () => {
  const { phys, s, mmu, pgd, pt } = setup();
  phys.writeUint(0x300000, 8, 0x1111n);
  phys.writeUint(0x305000, 8, 0x2222n);
  assert.equal(mmu.read(USER_RW, 8, 'read'), 0x1111n);
  pt.map(pgd, USER_RW, 0x305000, PTE.P | PTE.RW | PTE.US | PTE.A | PTE.D); // remap, no flush
  assert.equal(mmu.read(USER_RW, 8, 'read'), 0x1111n, 'stale');
  mmu.invlpg(USER_RW);
  assert.equal(mmu.read(USER_RW, 8, 'read'), 0x2222n);
  pt.map(pgd, USER_RW, 0x300000, PTE.P | PTE.RW | PTE.US | PTE.A | PTE.D);
  mmu.cr3Written(s.cr3);
  assert.equal(mmu.read(USER_RW, 8, 'read'), 0x1111n, 'CR3 write flushes');
  // PCIDs: NOFLUSH switches without dropping the tagged entries
  s.cr4 |= CR4.PCIDE;
  mmu.cr4Written();
  assert.equal(mmu.read(USER_RW, 8, 'read'), 0x1111n);
  pt.map(pgd, USER_RW, 0x305000, PTE.P | PTE.RW | PTE.US | PTE.A | PTE.D);
  s.cr3 = BigInt(pgd) | 1n;
  mmu.cr3Written(s.cr3 | (1n << 63n)); // PCID 1: new tag, sees the new mapping
  assert.equal(mmu.read(USER_RW, 8, 'read'), 0x2222n);
  s.cr3 = BigInt(pgd);
  mmu.cr3Written(s.cr3 | (1n << 63n)); // back to PCID 0 with NOFLUSH: its old entry is still there
  assert.equal(mmu.read(USER_RW, 8, 'read'), 0x1111n);
  mmu.cr3Written(s.cr3); // without NOFLUSH: PCID 0 is flushed
  assert.equal(mmu.read(USER_RW, 8, 'read'), 0x2222n);
});

test('non-canonical addresses are #GP(0); a split access checks both pages first', () => {
  const { s, mmu, phys } = setup();
  assert.equal(attempt(mmu, 0x0000800000000000n, 'read'), 'gp');
  assert.equal(attempt(mmu, 0xffff7fffffffffffn, 'write'), 'gp');
  s.cpl = 3;
  // USER_NX page ends at 0x403000, unmapped after it: the write must not happen at all
  const before = phys.readUint(0x302ffc, 4);
  assert.throws(() => mmu.write(USER_NX + 0xffcn, 8, 0xffffffffffffffffn), (e: CpuFault) => e.cr2 === USER_NX + 0x1000n && e.errorCode === (PF.W | PF.U));
  assert.equal(phys.readUint(0x302ffc, 4), before);
  // a split read across two mapped pages
  phys.writeUint(0x300ffc, 4, 0x44332211n);
  phys.writeUint(0x301000, 4, 0x88776655n);
  assert.equal(mmu.read(USER_RW + 0xffcn, 8, 'read'), 0x8877665544332211n);
});
