// The single-step trap (RFLAGS.TF -> #DB), RF clearing, and fetch permission of cached decodes.
// Oracle: the host CPU. A native program sets TF with POPF and records, in a SIGTRAP handler, the
// RIP of every single-step trap (relative to its `body` label); the emulator must trap after the
// same instructions, bare metal (the #DB reported by Cpu.step); under a kernel, the #DB frame is
// pushed through the IDT by the machine layer onto the kernel stack).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createBareMetal } from '../../emulator/cpu/baremetal';
import { Cpu } from '../../emulator/cpu/cpu';
import { CpuFault, CpuState, F, SEG_CS, SEG_SS, Vec, type LinearMemory, type Size } from '../../emulator/cpu/state';
import { machineFor, sym, u64At } from '../machine/helpers';
import { gnuAs as gnuAsIn, gnuAsFlat } from './gnu-as';

const gnuAs = (name: string, src: string): string => gnuAsIn('trap', name, src);
/** Flat .text bytes of `src`. */
const flat = (name: string, src: string): Uint8Array => gnuAsFlat('trap', name, src);

// Stepped code: POPF sets TF (no trap after it), ordinary instructions and a taken jump trap after
// themselves, POPF clearing TF still traps (it began with TF set), then nothing traps.
const BODY = `
body:
  pushfq
  orl $0x100, (%rsp)
  popfq
  mov $1, %eax
  add %eax, %eax
  push %rax
  pop %rbx
  lea 8(%rbx,%rax,2), %rcx
  jmp 1f
  nop
1:
  cmp $2, %eax
  jne 1b
  pushfq
  andl $~0x100, (%rsp)
  popfq
  nop
  xor %eax, %eax`;

// Native: install a SIGTRAP handler (SA_RESTORER, as libc does), run the body, write the recorded
// trap offsets (8 bytes each) to stdout.
const NATIVE = `
  .text
  .globl _start
_start:
  mov $13, %eax
  mov $5, %edi
  lea act(%rip), %rsi
  xor %edx, %edx
  mov $8, %r10d
  syscall
  call body
  mov $1, %eax
  mov $1, %edi
  lea buf(%rip), %rsi
  mov count(%rip), %rdx
  shl $3, %rdx
  syscall
  mov $60, %eax
  xor %edi, %edi
  syscall
handler:                        # RIP saved in the ucontext (uc_mcontext.rip at offset 168)
  mov 168(%rdx), %rax
  lea body(%rip), %rcx
  sub %rcx, %rax
  mov count(%rip), %rcx
  lea buf(%rip), %rsi
  mov %rax, (%rsi,%rcx,8)
  incq count(%rip)
  ret
restorer:
  mov $15, %eax
  syscall
${BODY}
  ret
  .data
act: .quad handler, 0x04000000, restorer, 0
count: .quad 0
buf: .zero 8*64
`;

function offsets(bytes: Uint8Array): bigint[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: bigint[] = [];
  for (let i = 0; i + 8 <= bytes.length; i += 8) out.push(v.getBigUint64(i, true));
  return out;
}

let nativeElf: Uint8Array | undefined;
let nativePath = '';
function nativeProgram(): Uint8Array {
  if (!nativeElf) {
    nativePath = gnuAs('native', NATIVE);
    execFileSync('ld', ['-static', '-nostdlib', '-o', nativePath, nativePath + '.o']);
    nativeElf = new Uint8Array(readFileSync(nativePath));
  }
  return nativeElf;
}

let nativeOffsets: bigint[] | undefined;
function hostTraps(): bigint[] {
  if (!nativeOffsets) {
    nativeProgram();
    const r = spawnSync(nativePath);
    assert.equal(r.status, 0);
    nativeOffsets = offsets(new Uint8Array(r.stdout));
  }
  return nativeOffsets;
}

describe('single-step trap', () => {
  test('bare metal: #DB after the same instructions as on the host, RIP after the instruction', () => {
    const code = flat('bare', BODY + '\n  hlt');
    const BASE = 0x401000n;
    const { cpu } = createBareMetal(code, BASE);
    const st = cpu.state;
    const traps: bigint[] = [];
    for (let i = 0; i < 100; i++) {
      const retired = st.retired;
      const out = cpu.step();
      if (out.kind === 'halted') break;
      if (out.kind === 'ok') continue;
      assert.equal(out.kind, 'fault');
      if (out.kind !== 'fault') break;
      assert.equal(out.fault.vector, Vec.DB);
      assert.equal(out.fault.errorCode, undefined);
      assert.equal(st.retired, retired + 1n, 'the stepped instruction completed');
      traps.push(st.rip - BASE);
    }
    assert.ok(st.halted);
    assert.equal(st.gpr[3], 2n); // the stepped instructions ran
    assert.equal(st.rflags & F.TF, 0);
    const host = hostTraps();
    assert.ok(host.length >= 10, `host recorded ${host.length} traps`);
    assert.deepEqual(traps, host);
  });

  test('ring 3 under a kernel: the #DB frame is delivered through the IDT after the stepped instruction', () => {
    // the machine tests' fixture kernel: every exception stub pushes (error 0,) vector and halts
    const m = machineFor('tfstep', `
  pushfq
  orl $0x100, (%rsp)
  popfq
  .globl stepped
stepped:
  mov $7, %ebx
  .globl after
after:
  nop`);
    const r = m.run(10000);
    assert.equal(r.kind, 'halted', JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v)));
    const f = m.cpu.gpr[4];
    assert.equal(u64At(m, f), BigInt(Vec.DB));
    assert.equal(u64At(m, f + 16n), sym(m, 'after'), 'saved RIP: the next instruction');
    assert.equal(u64At(m, f + 24n), 0x33n);
    assert.equal(u64At(m, f + 32n) & BigInt(F.TF), BigInt(F.TF), 'saved RFLAGS still has TF');
    assert.equal(m.cpu.rflags & F.TF, 0, 'delivery cleared TF');
    assert.equal(m.cpu.gpr[3], 7n);
  });

  test('a faulting instruction with TF set reports its fault, not #DB; INT3 reports #BP', () => {
    for (const [insn, vec] of [['ud2', Vec.UD], ['mov (%rsi), %eax', Vec.PF], ['int3', Vec.BP]] as const) {
      const code = flat('fault', `${insn}\n  hlt`);
      const { cpu } = createBareMetal(code, 0x401000n, { rflags: 0x2 | F.TF, regs: { 6: 0x900000n } });
      const out = cpu.step();
      assert.equal(out.kind === 'fault' && out.fault.vector, vec, insn);
    }
  });

  test('RF is cleared by a completed instruction, kept by a faulting one', () => {
    const code = flat('rf', 'nop\n  mov (%rsi), %eax\n  hlt');
    const { cpu } = createBareMetal(code, 0x401000n, { rflags: 0x2 | F.RF, regs: { 6: 0x900000n } });
    assert.equal(cpu.step().kind, 'ok');
    assert.equal(cpu.state.rflags, 0x2);
    cpu.state.rflags |= F.RF;
    assert.equal(cpu.step().kind, 'fault');
    assert.equal(cpu.state.rflags, 0x2 | F.RF);
  });
});

/** Flat memory where pages at or above SUPERVISOR are not fetchable at CPL 3 (U/S = 0). */
class PrivilegedMemory implements LinearMemory {
  fetches = 0;
  constructor(readonly bytes: Uint8Array, readonly base: bigint, readonly supervisor: bigint, readonly state: CpuState) {}
  private check(lin: bigint): void {
    if (lin < this.base || lin >= this.base + BigInt(this.bytes.length)) throw new CpuFault(Vec.PF, 0x10, lin);
    if (this.state.cpl === 3 && lin >= this.supervisor) throw new CpuFault(Vec.PF, 0x15, lin, 'user fetch from a supervisor page');
  }
  read(lin: bigint, size: Size, kind: 'read' | 'fetch'): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      if (kind === 'fetch') this.check(lin + BigInt(i));
      v = (v << 8n) | BigInt(this.bytes[Number(lin - this.base) + i]);
    }
    return v;
  }
  write(): void {
    throw new Error('not used');
  }
  fetch(lin: bigint, len: number): Uint8Array {
    this.fetches++;
    const out: number[] = [];
    for (let i = 0; i < len; i++) {
      try {
        this.check(lin + BigInt(i));
      } catch (e) {
        if (i === 0) throw e;
        break;
      }
      out.push(this.bytes[Number(lin - this.base) + i]);
    }
    return new Uint8Array(out);
  }
}

describe('decode cache and fetch permission', () => {
  test('code cached at CPL 0 faults when run at CPL 3 from a supervisor page, and runs again at CPL 0', () => {
    // page 0x400000 (user): a loop jumping to page 0x401000 (supervisor) and back; one
    // instruction at the end of the user page spills into the supervisor page.
    const code = flat('perm', `
  .org 0
user:
  inc %ecx
  jmp sup
  .org 0xffa
spill:
  movabs $0x1122334455667788, %rax
  jmp user
  .org 0x1010
sup:
  inc %edx
  jmp spill`);
    const state = new CpuState();
    const BASE = 0x400000n;
    const mem = new PrivilegedMemory(code, BASE, BASE + 0x1000n, state);
    state.rip = BASE;
    state.seg[SEG_CS] = { sel: 8, base: 0n, limit: 0xffffffff, dpl: 0, long: true, present: true };
    state.seg[SEG_SS] = { sel: 0x10, base: 0n, limit: 0xffffffff, dpl: 0, long: false, present: true };
    const cpu = new Cpu(state, mem);
    for (let i = 0; i < 30; i++) assert.equal(cpu.step().kind, 'ok');
    assert.equal(state.gpr[1], 5n); // 6 instructions per loop
    const decodes = mem.fetches;
    for (let i = 0; i < 30; i++) cpu.step();
    assert.equal(mem.fetches, decodes, 'cached decodes are reused');

    // the same linked code at CPL 3: the jump to the supervisor page must fault on fetch
    state.rip = BASE;
    state.cpl = 3;
    assert.equal(cpu.step().kind, 'ok'); // inc %ecx (user page)
    assert.equal(cpu.step().kind, 'ok'); // jmp sup
    let out = cpu.step();
    assert.equal(out.kind === 'fault' && out.fault.vector, Vec.PF);
    assert.equal(out.kind === 'fault' && out.fault.cr2, BASE + 0x1010n);
    // the instruction spilling from the user page into the supervisor page faults too
    state.rip = BASE + 0xffan;
    out = cpu.step();
    assert.equal(out.kind === 'fault' && out.fault.vector, Vec.PF);
    assert.equal(out.kind === 'fault' && out.fault.cr2, BASE + 0x1000n);

    // back at CPL 0 everything runs again
    state.cpl = 0;
    state.rip = BASE;
    const ecx = state.gpr[1];
    for (let i = 0; i < 10; i++) assert.equal(cpu.step().kind, 'ok');
    assert.equal(state.gpr[1], ecx + 2n);
  });
});
