// Expression parser and evaluator over a real CpuState and a small byte-addressed memory. (The
// full machine is exercised by session.test.ts; this pins the language's rules.)
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CpuState } from '../../emulator/cpu/state';
import { EvalContext, EvalError, evaluate, formatValue, parse } from '../../debug-adapter/expressions';
import { readFlag, readRegister, registerInfo, writeFlag, writeRegister } from '../../debug-adapter/registers';

function context() {
  const cpu = new CpuState();
  const mem = new Map<bigint, number>();
  const poke = (a: bigint, bytes: number[]) => bytes.forEach((b, i) => mem.set(a + BigInt(i), b));
  const PT = 0xffffc90000003f58n;
  const ctx: EvalContext = {
    register: (n, p) => registerInfo(n, p),
    readRegister: (n) => readRegister(cpu, n),
    writeRegister: (n, v) => writeRegister(cpu, n, v),
    readFlag: (n) => readFlag(cpu, n),
    writeFlag: (n, v) => writeFlag(cpu, n, v),
    readMemory: (a, len) => Array.from({ length: len }, (_, i) => mem.get(a + BigInt(i)) ?? null),
    writeMemory: (a, bytes) => {
      for (let i = 0; i < bytes.length; i++) if (!mem.has(a + BigInt(i))) return false;
      bytes.forEach((b, i) => mem.set(a + BigInt(i), b));
      return true;
    },
    symbol: (name) => ({
      entry_SYSCALL_64: { address: 0xffffffff81000040n, size: 200, type: 'func' },
      sys_call_table: { address: 0xffffffff81200000n, size: 8 * 4, type: 'object' },
      counter: { address: 0xffffffff81300000n, size: 8, type: 'object' },
    } as Record<string, { address: bigint; size: number; type: string }>)[name],
    ptRegsAddress: () => PT,
  };
  return { cpu, mem, poke, ctx, PT };
}

const u64le = (v: bigint) => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
const val = (src: string, ctx: EvalContext) => evaluate(src, ctx).value;

describe('expressions', () => {
  test('register spellings and widths', () => {
    const { cpu, ctx } = context();
    cpu.gpr[0] = 0x1122334455667788n;
    for (const s of ['rax', '$rax', '%rax', 'RAX']) assert.equal(val(s, ctx), 0x1122334455667788n, s);
    assert.equal(val('eax', ctx), 0x55667788n);
    assert.equal(val('ax', ctx), 0x7788n);
    assert.equal(val('al', ctx), 0x88n);
    assert.equal(val('ah', ctx), 0x77n);
    cpu.rip = 0x401000n;
    assert.equal(val('$rip', ctx), 0x401000n);
    assert.equal(val('$pc', ctx), 0x401000n);
    cpu.cpl = 3;
    assert.equal(val('$cpl', ctx), 3n);
  });

  test('flags', () => {
    const { cpu, ctx } = context();
    cpu.rflags = 0x246; // ZF PF IF
    assert.equal(val('$rflags.ZF', ctx), 1n);
    assert.equal(val('rflags.CF', ctx), 0n);
    assert.equal(val('$eflags.IF', ctx), 1n);
    evaluate('$rflags.CF = 1', ctx);
    assert.equal(cpu.rflags, 0x247);
    assert.throws(() => evaluate('$rflags.XX', ctx), /no bit named/);
  });

  test('arithmetic, comparisons, logic, C conversions', () => {
    const { cpu, ctx } = context();
    cpu.gpr[0] = 1n; cpu.gpr[7] = 3n; // rax, rdi
    assert.equal(val('rax == 1 && rdi == 3', ctx), 1n);
    assert.equal(val('rax == 1 && rdi == 4', ctx), 0n);
    assert.equal(val('rax == 2 || rdi == 3', ctx), 1n);
    assert.equal(val('(1 + 2) * 3 - 4 / 2', ctx), 7n);
    assert.equal(val('0x10 | 1 << 2', ctx), 0x14n);
    assert.equal(val('7 % 4', ctx), 3n);
    assert.equal(val("'A'", ctx), 65n);
    assert.equal(val('!0', ctx), 1n);
    cpu.gpr[0] = (1n << 64n) - 38n; // -ENOSYS
    assert.equal(val('rax == -38', ctx), 1n);
    assert.equal(val('(long)rax < 0', ctx), 1n);
    assert.equal(val('rax < 0', ctx), 0n, 'u64 is never below zero');
    assert.equal(formatValue(evaluate('rax', ctx), ctx), '0xffffffffffffffda (-38)');
    assert.equal(formatValue(evaluate('42', ctx), ctx), '0x2a (42)');
    assert.throws(() => evaluate('1 / 0', ctx), /division by zero/);
  });

  test('memory: casts, dereference, strings, pointer arithmetic', () => {
    const { cpu, ctx, poke } = context();
    cpu.gpr[4] = 0x7ffffffde000n; // rsp
    poke(0x7ffffffde000n, [...u64le(0x401005n), ...u64le(0xdeadbeefn)]);
    assert.equal(val('*(u64 *)($rsp + 8)', ctx), 0xdeadbeefn);
    assert.equal(val('*(u32 *)$rsp', ctx), 0x401005n);
    assert.equal(val('((u64 *)$rsp)[1]', ctx), 0xdeadbeefn);
    assert.equal(val('*((u64 *)$rsp + 1)', ctx), 0xdeadbeefn, 'pointer + 1 steps by 8');
    cpu.gpr[6] = 0x402000n; // rsi
    poke(0x402000n, [...Buffer.from('/etc/hostname\0')]);
    assert.equal(formatValue(evaluate('(char *)$rsi', ctx), ctx), '0x402000 "/etc/hostname"');
    assert.throws(() => evaluate('*(u64 *)0x1000', ctx), /cannot read memory at 0x1000/);
    evaluate('*(u64 *)($rsp + 8) = 5', ctx);
    assert.equal(val('*(u64 *)($rsp + 8)', ctx), 5n);
  });

  test('pt_regs and regs', () => {
    const { cpu, ctx, poke, PT } = context();
    poke(PT, new Array(168).fill(0));
    poke(PT + 80n, u64le((1n << 64n) - 38n));
    poke(PT + 120n, u64le(0n));
    assert.equal(val('pt_regs->ax', ctx), (1n << 64n) - 38n);
    assert.equal(val('pt_regs.orig_ax', ctx), 0n);
    assert.throws(() => evaluate('regs->orig_ax', ctx), /not live/);
    cpu.gpr[7] = PT; // rdi = regs
    assert.equal(val('regs->ax', ctx), (1n << 64n) - 38n);
    assert.equal(val('((struct pt_regs *)$rdi)->ax', ctx), (1n << 64n) - 38n);
    assert.equal(val('&pt_regs->ax', ctx), PT + 80n);
    evaluate('pt_regs->ax = 7', ctx);
    assert.equal(val('pt_regs->ax', ctx), 7n);
    assert.throws(() => evaluate('pt_regs->nope', ctx), /no field 'nope'/);
  });

  test('pt_regs fields the entry code has not pushed yet', () => {
    const { cpu, ctx, poke, PT } = context();
    poke(PT, u64le(0x1234n).concat(new Array(160).fill(0)));
    poke(PT + 120n, u64le(0x101n)); // the previous syscall's orig_ax
    // Pushed so far: orig_ax and everything above it (RSP = &pt_regs->orig_ax).
    ctx.ptRegsField = (offset) => (offset < 120 ? 'not yet pushed' : undefined);
    cpu.gpr[7] = PT; // rdi = regs
    assert.equal(formatValue(evaluate('pt_regs->orig_ax', ctx), ctx), '0x101 (257)');
    assert.equal(formatValue(evaluate('pt_regs->r15', ctx), ctx), '<not yet pushed>');
    assert.equal(formatValue(evaluate('regs->r15', ctx), ctx), '<not yet pushed>');
    assert.equal(formatValue(evaluate('((struct pt_regs *)$rdi)->bx', ctx), ctx), '<not yet pushed>', 'same frame, by address');
    assert.equal(val('&pt_regs->r15', ctx), PT, 'its address is known');
    assert.throws(() => evaluate('pt_regs->r15 == 0', ctx), /not yet pushed/);
    assert.throws(() => evaluate('(long)regs->r15', ctx), /not yet pushed/);
    assert.equal(formatValue(evaluate('pt_regs->r15 = 5', ctx), ctx), '0x5 (5)', 'an assignment shows what it wrote');
    ctx.ptRegsField = () => 'no syscall in progress';
    assert.equal(formatValue(evaluate('pt_regs->orig_ax', ctx), ctx), '<no syscall in progress>');
    poke(0x5000n, u64le(9n));
    assert.equal(formatValue(evaluate('((struct pt_regs *)0x4fb0)->ax', ctx), ctx), '0x9 (9)', 'another frame is plain memory');
  });

  test('number display: one rule for every value', () => {
    const { cpu, ctx, poke } = context();
    poke(0x401000n, [0x90]);
    const show = (src: string) => formatValue(evaluate(src, ctx), ctx);
    cpu.gpr[0] = (1n << 64n) - 38n;
    assert.equal(show('rax'), '0xffffffffffffffda (-38)', 'small negative: signed');
    assert.equal(show('eax'), '0xffffffda (-38)');
    cpu.gpr[4] = 0xffffc90000003f58n;
    assert.equal(show('rsp'), '0xffffc90000003f58', 'canonical upper half: no decimal');
    cpu.gpr[1] = 0x401000n;
    assert.equal(show('rcx'), '0x401000', 'mapped: no decimal');
    cpu.gpr[2] = 0x40000n;
    assert.equal(show('rdx'), '0x40000 (262144)', 'a plain number: unsigned');
    assert.equal(show('(s64)0xffffc90000003f58'), '0xffffc90000003f58 (-60473139511464)', 'signed type: signed');
    assert.equal(show('(u32)-1'), '0xffffffff (4294967295)');
  });

  test('symbols', () => {
    const { ctx, poke } = context();
    assert.equal(val('&entry_SYSCALL_64', ctx), 0xffffffff81000040n);
    poke(0xffffffff81200000n, [...u64le(0xffffffff81001000n), ...u64le(0xffffffff81002000n), ...new Array(16).fill(0)]);
    assert.equal(val('sys_call_table[1]', ctx), 0xffffffff81002000n);
    poke(0xffffffff81300000n, u64le(99n));
    assert.equal(val('counter + 1', ctx), 100n);
    assert.throws(() => evaluate('no_such_thing', ctx), /no register or symbol named 'no_such_thing'/);
  });

  test('syntax errors are clear', () => {
    const { ctx } = context();
    assert.throws(() => parse(''), /empty/);
    assert.throws(() => parse('rax +'), /expected a value at column 6/);
    assert.throws(() => parse('(rax'), /expected '\)'/);
    assert.throws(() => parse('rax # 1'), /unexpected character '#'/);
    assert.throws(() => evaluate('$nope', ctx), EvalError);
    assert.throws(() => evaluate('%rfoo', ctx), /no register named '%rfoo'/);
    assert.throws(() => evaluate('&rax', ctx), /registers have no address/);
  });
});
