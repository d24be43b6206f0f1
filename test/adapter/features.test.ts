// Scopes, expressions, breakpoint kinds, catch points, memory and disassembly over DAP, against
// the real machine running samples/cat-hostname.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { ROOT, evaluate, frames, launch, lineOf, scope, startClient, stopped, value, variable } from './dap';

const CAT = join(ROOT, 'samples', 'cat-hostname', 'cat.s');
const READ_SYSCALL = lineOf(CAT, /^\s*syscall\b/, /^read_loop:/);
const WRITE_SYSCALL = lineOf(CAT, /^\s*syscall\b/, /write\(1, buf, n\)/);
const OPEN_SYSCALL = lineOf(CAT, /^\s*syscall\b/, /^main:/);
const BLANK_BEFORE_READ = lineOf(CAT, /^\s*$/, /js\s+fail/);

describe('scopes, expressions and breakpoints over DAP', () => {
  let dc: DebugClient;
  const output: string[] = [];
  before(async () => {
    dc = await startClient();
    dc.on('output', (e) => output.push(e.body.output));
  });
  after(async () => { await dc.stop(); });

  test('stop on entry, scopes in ring 3', async () => {
    const entry = dc.waitForEvent('stopped');
    // A syscall catch point during configuration makes the kernel send ptrace reports (chosen at boot).
    await launch(dc, { program: CAT, stopOnEntry: true }, () =>
      dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-exit', condition: 'exit_group' }] }));
    assert.equal(((await entry) as { body: { reason: string } }).body.reason, 'entry');
    const f = await frames(dc);
    assert.match(f[0].name, /^_start \(ring 3\)$/);
    assert.equal(f[0].moduleId, 'user');

    const scopes = (await dc.scopesRequest({ frameId: 1 })).body.scopes;
    assert.deepEqual(scopes.map((s) => s.name), ['Registers', 'Segments & Ring', 'pt_regs', 'Syscall', 'MSRs', 'Control']);
    assert.equal(scopes[0].presentationHint, 'registers');

    const regs = await scope(dc, 'Registers');
    for (const r of ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r15', 'rip', 'rflags']) variable(regs.vars, r);
    assert.ok(variable(regs.vars, 'rsp').memoryReference, 'rsp points at mapped stack memory');
    assert.ok(variable(regs.vars, 'rip').memoryReference);
    const rflags = variable(regs.vars, 'rflags');
    assert.ok(rflags.variablesReference > 0);
    const bits = (await dc.variablesRequest({ variablesReference: rflags.variablesReference })).body.variables;
    assert.equal(variable(bits, 'IF').value, '1', 'user code runs with interrupts on');
    assert.equal(variable(bits, 'ZF').evaluateName, '$rflags.ZF');

    const seg = await scope(dc, 'Segments & Ring');
    assert.match(variable(seg.vars, 'CPL').value, /^3 /);
    assert.match(variable(seg.vars, 'cs').value, /^0x33 /);
    assert.match(variable(seg.vars, 'ss').value, /^0x2b /);
    variable(seg.vars, 'kernel_gs_base');

    const msrs = await scope(dc, 'MSRs');
    assert.match(variable(msrs.vars, 'LSTAR').value, /<entry_SYSCALL_64>/);
    assert.match(variable(msrs.vars, 'STAR').value, /^0x23001000000000 /);
    assert.match(variable(msrs.vars, 'FMASK').value, /^0x257fd5 /);
    assert.match(variable(msrs.vars, 'EFER').value, /SCE/);

    const ctl = await scope(dc, 'Control');
    assert.match(variable(ctl.vars, 'CR4').value, /SMEP SMAP/);
    assert.match(variable(ctl.vars, 'CR3').value, /user PGD/, 'PTI: ring 3 runs on the user half');
    const sys = await scope(dc, 'Syscall');
    assert.match(sys.vars[0].value, /none in flight/);
  });

  test('expressions in ring 3', async () => {
    assert.equal(await value(dc, '$rip'), BigInt((await frames(dc))[0].instructionPointerReference!));
    assert.equal(await value(dc, 'rip'), await value(dc, '%rip'));
    assert.equal(await value(dc, '*(u64 *)$rsp'), 1n, 'argc at the top of the initial stack');
    assert.match(await evaluate(dc, '(char *)*(u64 *)($rsp + 8)'), /"\/.*cat\.s"$/, 'argv[0]');
    assert.equal(await value(dc, '&entry_SYSCALL_64'), await value(dc, '$lstar'));
    assert.equal(await value(dc, 'sys_call_table[0]') === 0n, false);
    assert.match(await evaluate(dc, 'sys_call_table[0]'), /<__x64_sys_read>/);
    assert.equal(await value(dc, '1 + 2 * 3 == 7 && 5 > 4'), 1n);
    // Every spelling of a register, at every width.
    await dc.evaluateRequest({ expression: 'rax = 0x1122334455667788', context: 'repl' });
    for (const [e, v] of [['rax', 0x1122334455667788n], ['$rax', 0x1122334455667788n], ['%rax', 0x1122334455667788n],
      ['eax', 0x55667788n], ['ax', 0x7788n], ['al', 0x88n], ['ah', 0x77n], ['$cpl', 3n], ['$rflags.IF', 1n]] as const) {
      assert.equal(await value(dc, e), v, e);
    }
    assert.match(await evaluate(dc, '$rax'), /^0x1122334455667788 \(1234605616436508552\)$/, 'hex and decimal');
    assert.equal(await value(dc, '*(u64 *)($rsp + 8)'), await value(dc, '((u64 *)$rsp)[1]'));
    assert.equal(await value(dc, '$SYS_openat'), 257n, 'AT&T $symbol: the value of a .set constant');
    assert.equal(await value(dc, 'BUFSIZE'), 262144n);
    await assert.rejects(dc.evaluateRequest({ expression: 'rax +', context: 'watch' }), /expected a value/);
    await assert.rejects(dc.evaluateRequest({ expression: 'nosuchsym', context: 'watch' }), /no register or symbol/);
    const help = await dc.evaluateRequest({ expression: 'help', context: 'repl' });
    assert.match(help.body.result, /pt_regs->ax/);
    // Writes: registers, flags and memory.
    await dc.evaluateRequest({ expression: 'r9 = 0x1234', context: 'repl' });
    assert.equal(await value(dc, 'r9'), 0x1234n);
    await dc.customRequest('setExpression', { expression: '$rflags.CF', value: '1' });
    assert.equal(await value(dc, '$rflags.CF'), 1n);
    await dc.customRequest('setExpression', { expression: '$rflags.CF', value: '0' });
    const regs = await scope(dc, 'Registers');
    const sv = await dc.setVariableRequest({ variablesReference: regs.ref, name: 'r10', value: '42' });
    assert.match(sv.body.value, /^0x2a \(42\)/);
  });

  test('memory and disassembly', async () => {
    const rsp = await value(dc, '$rsp');
    const mem = await dc.customRequest('readMemory', { memoryReference: `0x${rsp.toString(16)}`, count: 8 });
    assert.deepEqual([...Buffer.from(mem.body.data, 'base64')], [1, 0, 0, 0, 0, 0, 0, 0]);
    // Kernel memory stays readable while stopped in ring 3, although PTI unmaps it from the user
    // page tables: the debugger reads it through the kernel half of the PGD pair.
    const k = await dc.customRequest('readMemory', { memoryReference: '0xffffffff81000000', count: 16 });
    assert.equal(Buffer.from(k.body.data, 'base64').length, 16);
    // Unmapped memory is unreadable, not zeros; a read running into it is cut short.
    const none = await dc.customRequest('readMemory', { memoryReference: '0x1000', count: 16 });
    assert.equal(none.body.data, '');
    assert.equal(none.body.unreadableBytes, 16);
    const top = 0x7ffffffff000n;
    const edge = await dc.customRequest('readMemory', { memoryReference: `0x${(top - 4n).toString(16)}`, count: 8 });
    assert.equal(Buffer.from(edge.body.data, 'base64').length, 4);
    assert.equal(edge.body.unreadableBytes, 4);
    const w = await dc.customRequest('writeMemory', { memoryReference: `0x${(rsp + 8n * 40n).toString(16)}`, data: Buffer.from([9, 8, 7]).toString('base64') });
    assert.equal(w.body.bytesWritten, 3);
    assert.equal(await value(dc, `*(u8 *)0x${(rsp + 8n * 40n + 2n).toString(16)}`), 7n);
    const rip = (await frames(dc))[0].instructionPointerReference!;
    const dis = await dc.disassembleRequest({ memoryReference: rip, instructionCount: 4, resolveSymbols: true });
    const insns = dis.body!.instructions;
    assert.equal(insns.length, 4);
    assert.equal(insns[0].symbol, '_start');
    assert.match(insns[0].instruction, /^call\s+[0-9a-f]+ <main>$/);
    assert.equal(insns[0].location?.path, CAT);
    const back = await dc.disassembleRequest({ memoryReference: rip, instructionOffset: -2, instructionCount: 3 });
    assert.equal(back.body!.instructions.length, 3);
  });

  test('breakpoint kinds: line (moved), function, instruction, condition, hit count, logpoint', async () => {
    const lines = await dc.setBreakpointsRequest({
      source: { path: CAT },
      breakpoints: [
        { line: BLANK_BEFORE_READ },
        { line: WRITE_SYSCALL, logMessage: 'write of {rdx} bytes from {(char *)rsi}' },
        { line: READ_SYSCALL, condition: 'rax == 0 && rdi == 3', hitCondition: '2' },
        { line: 2000 },
        { line: OPEN_SYSCALL, condition: 'rax +' },
      ],
    });
    const [moved, , cond, none, badCond] = lines.body.breakpoints;
    assert.equal(moved.verified, true);
    assert.ok(moved.line! > BLANK_BEFORE_READ);
    assert.match(moved.message!, /moved to line/);
    assert.equal(cond.verified, true);
    assert.equal(none.verified, false);
    assert.equal(badCond.verified, false);
    assert.match(badCond.message!, /condition/);
    const fn = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'ksys_read' }, { name: 'no_such_function' }] });
    assert.equal(fn.body.breakpoints[0].verified, true);
    assert.equal(fn.body.breakpoints[1].verified, false);

    // First stop: the moved line breakpoint (openat is already behind the blank line).
    let ev = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'breakpoint');
    assert.equal((await frames(dc))[0].line, moved.line);
    // Next: ksys_read (the read syscall's hit count 2 skips the first read).
    ev = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'breakpoint');
    let f = await frames(dc);
    assert.match(f[0].name, /^ksys_read \(ring 0\)$/);
    assert.equal(f[0].moduleId, 'kernel');
    assert.ok(f.some((x) => x.presentationHint === 'label'));
    const sys = await scope(dc, 'Syscall');
    assert.equal(variable(sys.vars, 'nr').value, '0 (read)');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    // Instruction breakpoint at sysretq's address (from the disassembly of entry_SYSCALL_64_end).
    const sysret = await value(dc, '&entry_SYSRETQ_unsafe_stack');
    const ib = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: `0x${sysret.toString(16)}` }] });
    assert.equal(ib.body.breakpoints[0].verified, true);
    ev = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'breakpoint');
    assert.equal(await value(dc, '$rip'), sysret);
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    // The logpoint prints and does not stop; the loop comes round to the moved breakpoint, then
    // the read breakpoint's second hit stops.
    ev = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal((await frames(dc))[0].line, moved.line);
    ev = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'breakpoint');
    f = await frames(dc);
    assert.equal(f[0].line, READ_SYSCALL);
    assert.match(output.join(''), /write of 0x7 \(7\) bytes from 0x[0-9a-f]+ "myhost\\n"/);
  });

  test('macros: Step Over runs a whole expansion, Step Into opens it', async () => {
    const ENTRY = join(ROOT, 'emulator', 'kernel', 'arch', 'x86', 'entry', 'entry_64.S');
    const SWITCH = lineOf(ENTRY, /^\s*SWITCH_TO_KERNEL_CR3 %rsp/);
    const ORIG_AX = lineOf(ENTRY, /^\s*pushq\s+%rax\s+# pt_regs->orig_ax/);
    const PUSH_AND_CLEAR = lineOf(ENTRY, /^\s*PUSH_AND_CLEAR_REGS \$-ENOSYS/);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'entry_SYSCALL_64' }] });
    await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    let f = await frames(dc);
    assert.match(f[0].source?.path ?? f[0].source?.name ?? '', /entry_64\.S$/);
    // Line steps up to the macro invocation line; it is shown as that line.
    while ((await frames(dc))[0].line! < SWITCH) await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    f = await frames(dc);
    assert.equal(f[0].line, SWITCH);
    const rip = await value(dc, '$rip');
    // Step Into opens the macro at its first instruction (nothing executed): calling.h.
    await stopped(dc, () => dc.stepInRequest({ threadId: 1 }));
    f = await frames(dc);
    assert.match(f[0].source?.path ?? f[0].source?.name ?? '', /calling\.h$/);
    assert.equal(await value(dc, '$rip'), rip);
    // Step Over inside the body moves one body line, staying in calling.h.
    await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    f = await frames(dc);
    assert.match(f[0].source?.path ?? f[0].source?.name ?? '', /calling\.h$/);
    assert.notEqual(await value(dc, '$rip'), rip);
    // At PUSH_AND_CLEAR_REGS, one Step Over runs all fifteen pushes and the clears.
    await dc.setBreakpointsRequest({ source: { path: ENTRY }, breakpoints: [{ line: ORIG_AX }] });
    await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    await dc.setBreakpointsRequest({ source: { path: ENTRY }, breakpoints: [] });
    await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal((await frames(dc))[0].line, PUSH_AND_CLEAR);
    await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    f = await frames(dc);
    assert.equal(f[0].line, PUSH_AND_CLEAR + 4, 'the line after the invocation (movq %rsp, %rdi)');
    assert.equal(await value(dc, '$rsp'), await value(dc, '&pt_regs->r15'), 'RSP points at a complete pt_regs');
    assert.equal(await value(dc, 'r15'), 0n, 'and the registers are cleared');
  });

  test('catch points: syscall entry with a condition, exceptionInfo', async () => {
    await dc.setBreakpointsRequest({ source: { path: CAT }, breakpoints: [] });
    const r = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall-exit', condition: 'close' }, { filterId: 'syscall-entry', condition: 'bogus' }] });
    assert.equal(r.body!.breakpoints![0].verified, true);
    assert.equal(r.body!.breakpoints![1].verified, false);
    const ev = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(ev.body.reason, 'exception');
    assert.match(ev.body.description!, /syscall exit: close/);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'syscall exit');
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
  });
});
