// The cat-hostname walk from issue 4, over DAP against `node dist/debugAdapter.js` and the real
// machine and kernel: breakpoint on the read `syscall`, step in to entry_SYSCALL_64 at CPL 0, the
// ring-boundary label frame, pt_regs filling while stepping, a data breakpoint on pt_regs->ax
// stopping in do_syscall_64, step out to CPL 3 with rax = 7, step back to CPL 0 with the same
// registers, reverse continue to a breakpoint, and the run to exit status 0.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { ROOT, evaluate, frames, launch, lineOf, scope, startClient, stopped, value, variable } from './dap';

const CAT = join(ROOT, 'samples', 'cat-hostname', 'cat.s');
const READ_SYSCALL = lineOf(CAT, /^\s*syscall\b/, /^read_loop:/);

async function registers(dc: DebugClient): Promise<Record<string, string>> {
  const { vars } = await scope(dc, 'Registers');
  return Object.fromEntries(vars.map((v) => [v.name, v.value]));
}

describe('cat-hostname walk over DAP', () => {
  let dc: DebugClient;
  const output: string[] = [];
  before(async () => {
    dc = await startClient();
    dc.on('output', (e) => output.push(e.body.output));
  });
  after(async () => { await dc.stop(); });

  test('breakpoint on the read syscall, step into the kernel, out again, and back', async () => {
    const hit = dc.waitForEvent('stopped');
    await launch(dc, { program: CAT, strace: true }, () =>
      dc.setBreakpointsRequest({ source: { path: CAT }, breakpoints: [{ line: READ_SYSCALL }] }).then((r) => {
        assert.equal(r.body.breakpoints[0].verified, true);
        assert.equal(r.body.breakpoints[0].line, READ_SYSCALL);
      }));
    const ev = (await hit) as { body: { reason: string } };
    assert.equal(ev.body.reason, 'breakpoint');
    let f = await frames(dc);
    assert.match(f[0].name, /^main \(ring 3\)$/);
    assert.equal(f[0].line, READ_SYSCALL);
    assert.equal(f[0].source?.path, CAT);
    assert.match(f[1].name, /^_start \(ring 3\)$/);
    assert.equal(await value(dc, '$cpl'), 3n);
    assert.equal(await value(dc, 'rax'), 0n, 'read is syscall 0');

    // Step into the syscall: the first instruction of entry_SYSCALL_64, in ring 0.
    await stopped(dc, () => dc.stepInRequest({ threadId: 1 }));
    f = await frames(dc);
    assert.match(f[0].name, /^entry_SYSCALL_64 \(ring 0\)$/);
    assert.equal(BigInt(f[0].instructionPointerReference!), await value(dc, '&entry_SYSCALL_64'));
    assert.equal(await value(dc, '$cpl'), 0n);
    assert.match(f[0].source?.name ?? '', /entry_64\.S$/);
    const label = f.findIndex((x) => x.presentationHint === 'label');
    assert.equal(label, 1, 'the label frame follows the kernel frames');
    assert.equal(f[label].name, '── SYSCALL: ring 3 → ring 0 ──');
    assert.match(f[label + 1].name, /^main \(ring 3\)$/);
    assert.equal(f[label + 1].line, READ_SYSCALL);
    assert.match(f[label + 2].name, /^_start \(ring 3\)$/);
    assert.notEqual(f[0].presentationHint, 'deemphasize');

    // pt_regs fills in while stepping through the entry code.
    let pt = await scope(dc, 'pt_regs');
    assert.equal(variable(pt.vars, 'ss').value, '(not yet pushed)');
    assert.equal(variable(pt.vars, 'ax').value, '(not yet pushed)');
    const seen: string[] = [];
    for (let i = 0; i < 200; i++) {
      await stopped(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
      pt = await scope(dc, 'pt_regs');
      const ss = variable(pt.vars, 'ss').value;
      if (ss !== '(not yet pushed)' && !seen.includes('ss')) {
        seen.push('ss');
        assert.equal(BigInt(ss.split(' ')[0]), 0x2bn, 'pt_regs->ss = __USER_DS');
        assert.equal(variable(pt.vars, 'orig_ax').value, '(not yet pushed)', 'orig_ax comes later');
      }
      if (variable(pt.vars, 'orig_ax').value !== '(not yet pushed)' && !seen.includes('orig_ax')) {
        seen.push('orig_ax');
        assert.equal(await value(dc, 'pt_regs->orig_ax'), 0n);
        assert.equal(await value(dc, 'pt_regs->ip'), BigInt(f[label + 1].instructionPointerReference!) + 2n, 'ip = the instruction after syscall');
      }
      if (variable(pt.vars, 'r15').value !== '(not yet pushed)') break;
    }
    assert.deepEqual(seen, ['ss', 'orig_ax']);
    assert.equal(await value(dc, 'pt_regs->ax'), (1n << 64n) - 38n, 'ax = -ENOSYS until the handler returns');
    assert.equal(await evaluate(dc, 'pt_regs->ax'), '0xffffffffffffffda (-38)');

    // Syscall scope: the call as strace shows it.
    const sc = await scope(dc, 'Syscall');
    assert.equal(variable(sc.vars, 'nr').value, '0 (read)');
    assert.match(variable(sc.vars, 'call').value, /^read\(3, 0x[0-9a-f]+, 262144\)$/);

    // Data breakpoint on pt_regs->ax: stops in do_syscall_64 where the result is stored.
    const info = await dc.dataBreakpointInfoRequest({ variablesReference: pt.ref, name: 'ax' });
    assert.ok(info.body.dataId, info.body.description);
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    const dataStop = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(dataStop.body.reason, 'data breakpoint');
    // The store is `regs->ax = x64_sys_call(...)` in do_syscall_x64, Linux's inlined helper of
    // do_syscall_64: the stop is right after it, with do_syscall_64 as the caller.
    f = await frames(dc);
    assert.match(f[0].name, /^do_syscall_(x)?64 \(ring 0\)$/);
    assert.deepEqual(f.map((x) => x.name), [
      'do_syscall_x64 (ring 0)', 'do_syscall_64 (ring 0)', 'entry_SYSCALL_64 (ring 0)', '── SYSCALL: ring 3 → ring 0 ──',
      'main (ring 3)', '_start (ring 3)',
    ]);
    assert.equal(await value(dc, 'pt_regs->ax'), 7n);
    assert.equal(await value(dc, 'regs->orig_ax'), 0n, 'regs is live: a register holds the pt_regs pointer');
    // The user frame's registers are the ones saved in pt_regs: read(3, buf, 262144) = 7.
    const mainId = f.findIndex((x) => x.name === 'main (ring 3)') + 1;
    const us = (await dc.scopesRequest({ frameId: mainId })).body.scopes[0];
    assert.equal(us.name, 'Registers (user, saved in pt_regs)');
    const uv = (await dc.variablesRequest({ variablesReference: us.variablesReference })).body.variables;
    assert.match(variable(uv, 'rdi').value, /^0x3 /);
    assert.match(variable(uv, 'rdx').value, /^0x40000 /);
    assert.match(variable(uv, 'rax').value, /^0x7 /);
    assert.equal(BigInt(variable(uv, 'rip').value.split(' ')[0]), BigInt(f[mainId - 1].instructionPointerReference!) + 2n);
    assert.ok(f.every((x) => x.presentationHint === 'label' || x.instructionPointerReference));
    await dc.setDataBreakpointsRequest({ breakpoints: [] });

    // Step out until back in ring 3: rax = 7 and we are after the syscall.
    for (let i = 0; i < 4 && (await value(dc, '$cpl')) !== 3n; i++) await stopped(dc, () => dc.stepOutRequest({ threadId: 1 }));
    assert.equal(await value(dc, '$cpl'), 3n);
    assert.equal(await value(dc, 'rax'), 7n);
    f = await frames(dc);
    assert.match(f[0].name, /^main \(ring 3\)$/);
    assert.equal(f[0].line, READ_SYSCALL + 1);
    const user = await registers(dc);

    // Step back: in ring 0 again, at the instruction that returned to user space.
    await stopped(dc, () => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await value(dc, '$cpl'), 0n);
    const kernel = await registers(dc);
    f = await frames(dc);
    assert.match(f[0].name, /\(ring 0\)$/);
    // Forward again and back again: the very same registers each time.
    await stopped(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
    assert.deepEqual(await registers(dc), user);
    await stopped(dc, () => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    assert.deepEqual(await registers(dc), kernel);
    await stopped(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));

    // Continue: the loop writes, then reads again and hits the breakpoint a second time.
    const second = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(second.body.reason, 'breakpoint');
    const retired2 = await value(dc, '$retired');
    assert.equal(await evaluate(dc, '(char *)&buf'), `0x${(await value(dc, '&buf')).toString(16)} "myhost\\n"`);
    // Reverse continue: back to the first read's breakpoint.
    const back = await stopped(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal(back.body.reason, 'breakpoint');
    assert.equal((await frames(dc))[0].line, READ_SYSCALL);
    assert.ok((await value(dc, '$retired')) < retired2, 'earlier in time');
    assert.equal(await value(dc, '*(u64 *)&buf'), 0n, 'memory too: the buffer is empty again before the first read');
    assert.equal((await value(dc, '$cr3')) & 0x1000n, 0x1000n, 'CR3 on the user half of the PGD pair (bit 12)');

    // Run to the end: exit status 0, "myhost" on stdout and strace lines in the console.
    await dc.setBreakpointsRequest({ source: { path: CAT }, breakpoints: [] });
    const exited = dc.waitForEvent('exited');
    const terminated = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 0);
    await terminated;
    const all = output.join('');
    assert.match(all, /myhost\n/);
    assert.match(all, /read\(3, "myhost\\n", 262144\) += 7/);
  });
});
