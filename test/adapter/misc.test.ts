// Signal frames in the call stack, sources and modules, restart and terminate, over DAP against
// the real machine.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, frames, launch, lineOf, startClient, stopped, value } from './dap';

const SIGNAL = join(ROOT, 'samples', 'signal-handler', 'signal.s');
const CAT = join(ROOT, 'samples', 'cat-hostname', 'cat.s');

describe('signal frames, sources, modules, restart', () => {
  test('a signal handler frame unwinds through the rt_sigframe to the interrupted code', async () => {
    const dc = await startClient();
    try {
      const handlerLine = lineOf(SIGNAL, /movb\s+\$1, handled/, /^handler:/);
      const resumeLine = lineOf(SIGNAL, /cmpb\s+\$1, handled/);
      const hit = dc.waitForEvent('stopped');
      await launch(dc, { program: SIGNAL }, () => dc.setBreakpointsRequest({ source: { path: SIGNAL }, breakpoints: [{ line: handlerLine }] }));
      await hit;
      const f = await frames(dc);
      assert.equal(f[0].name, 'handler (ring 3)');
      assert.equal(f[1].name, '── signal handler called ──');
      assert.equal(f[1].presentationHint, 'label');
      assert.equal(f[2].line, resumeLine, 'the instruction kill() returns to once the handler is done');
      assert.equal(await value(dc, 'rdi'), 10n, 'the handler gets SIGUSR1');
    } finally {
      await dc.stop();
    }
  });

  test('a kernel page fault inside clear_user: an exception frame in ring 0, then the syscall, then user code', async () => {
    const dc = await startClient();
    try {
      const EFAULT = join(ROOT, 'samples', 'efault', 'efault.s');
      const hit = dc.waitForEvent('stopped');
      // The #PF handler, entered from ring 0 (the saved CS, above the error code and RIP, is 0x10).
      await launch(dc, { program: EFAULT }, () =>
        dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'asm_exc_page_fault', condition: '*(u64 *)($rsp + 16) == 0x10' }] }));
      await hit;
      const f = await frames(dc);
      const names = f.map((x) => x.name);
      assert.equal(names[0], 'asm_exc_page_fault (ring 0)');
      const exc = names.indexOf('── exception in ring 0 ──');
      assert.ok(exc > 0, names.join(' / '));
      // /dev/zero's read clears the user buffer: clear_user faults on the unmapped page. The
      // frames between are the real chain (vfs_read tail-jumps, so it has no frame of its own).
      const sys = names.indexOf('── SYSCALL: ring 3 → ring 0 ──');
      assert.deepEqual(names.slice(exc + 1, sys), [
        'clear_user', 'read_zero', 'vfs_rw_checks_then_read', 'ksys_read', '__do_sys_read', '__se_sys_read', '__x64_sys_read',
        'x64_sys_call', 'do_syscall_x64', 'do_syscall_64', 'entry_SYSCALL_64',
      ].map((n) => `${n} (ring 0)`));
      assert.equal(names[sys + 1], '_start (ring 3)');
      assert.equal(await value(dc, '$cr2') & 0xfffn, 0n, 'the fault is at the start of the unmapped page');
    } finally {
      await dc.stop();
    }
  });

  test('a kernel oops (a NULL file pointer written into vfs_read) stops with the oops text', async () => {
    const dc = await startClient();
    try {
      const hit = dc.waitForEvent('stopped');
      await launch(dc, { program: CAT }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'vfs_read' }] }));
      await hit;
      await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
      await dc.customRequest('setExpression', { expression: 'rdi', value: '0' });
      const oops = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
      assert.equal(oops.body.reason, 'exception');
      const info = await dc.exceptionInfoRequest({ threadId: 1 });
      assert.equal(info.body.exceptionId, 'kernel oops');
      assert.match(info.body.details?.stackTrace ?? '', /BUG: kernel NULL pointer dereference|unable to handle page fault/);
      // The machine is stopped for good: continuing ends the session cleanly.
      const terminated = dc.waitForEvent('terminated');
      await dc.continueRequest({ threadId: 1 });
      await terminated;
    } finally {
      await dc.stop();
    }
  });

  test('ring transition catch point; data breakpoint from an expression', async () => {
    const dc = await startClient();
    try {
      const HELLO = join(ROOT, 'samples', 'hello', 'hello.s');
      const first = dc.waitForEvent('stopped');
      await launch(dc, { program: HELLO }, () => dc.setExceptionBreakpointsRequest({ filters: ['ring-transition'] }));
      const ev = (await first) as { body: { reason: string; description?: string } };
      assert.equal(ev.body.reason, 'exception');
      assert.equal(ev.body.description, 'SYSCALL: ring 3 → ring 0');
      assert.equal(await value(dc, '$cpl'), 0n);
      assert.equal(await value(dc, '$rip'), await value(dc, '&entry_SYSCALL_64'));
      // Watch pt_regs->ax by expression: the first write is the -ENOSYS push in the entry code.
      await dc.setExceptionBreakpointsRequest({ filters: [] });
      const info = await dc.dataBreakpointInfoRequest({ name: 'pt_regs->ax' });
      assert.ok(info.body.dataId);
      await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
      const d = await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
      assert.equal(d.body.reason, 'data breakpoint');
      assert.equal(await value(dc, 'pt_regs->ax'), (1n << 64n) - 38n);
      assert.equal((await frames(dc))[0].name, 'entry_SYSCALL_64 (ring 0)');
      const none = await dc.dataBreakpointInfoRequest({ name: 'rax' });
      assert.equal(none.body.dataId, null, 'registers are not memory');
    } finally {
      await dc.stop();
    }
  });

  test('Step Over a syscall: a kernel breakpoint still stops it; without one it lands on the next user line', async () => {
    const dc = await startClient();
    try {
      const HELLO = join(ROOT, 'samples', 'hello', 'hello.s');
      const SYSCALL = lineOf(HELLO, /^\s*syscall/);
      const entry = dc.waitForEvent('stopped');
      await launch(dc, { program: HELLO, stopOnEntry: true });
      await entry;
      while ((await frames(dc))[0].line! < SYSCALL) await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'ksys_write' }] });
      let ev = await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal((await frames(dc))[0].name, 'ksys_write (ring 0)');
      // Back to before the syscall (reverse to the user breakpoint), then over it with no kernel breakpoint.
      await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
      await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: SYSCALL }] });
      ev = await stopped(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
      assert.equal(ev.body.reason, 'breakpoint');
      assert.equal(await value(dc, '$cpl'), 3n);
      await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [] });
      ev = await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
      assert.equal(ev.body.reason, 'step');
      const f = await frames(dc);
      assert.equal(f[0].line, lineOf(HELLO, /SYS_exit_group/));
      assert.equal(await value(dc, 'rax'), 19n, 'write returned the byte count');
      assert.equal(await value(dc, '$cpl'), 3n);
    } finally {
      await dc.stop();
    }
  });

  test('loadedSources, source, modules, restart, terminate', async () => {
    const dc = await startClient();
    try {
      const entry = dc.waitForEvent('stopped');
      await launch(dc, { program: CAT, stopOnEntry: true });
      await entry;
      const loaded = (await dc.customRequest('loadedSources', {})).body.sources as { name: string; path?: string; sourceReference?: number }[];
      assert.ok(loaded.some((s) => s.path === CAT));
      const entry64 = loaded.find((s) => /entry_64\.S$/.test(s.path ?? s.name));
      assert.ok(entry64, 'the kernel sources are listed');
      const text = await dc.sourceRequest({ source: entry64, sourceReference: entry64.sourceReference ?? 0 });
      assert.match(text.body.content, /entry_SYSCALL_64/);
      const mods = (await dc.modulesRequest({})).body.modules;
      assert.deepEqual(mods.map((m) => m.name), ['user (ring 3)', 'kernel (ring 0)']);
      // Run a little, then restart: back at the entry point with a fresh machine.
      await stopped(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
      const rip1 = await value(dc, '$rip');
      const again = dc.waitForEvent('stopped');
      await dc.restartRequest({});
      assert.equal(((await again) as { body: { reason: string } }).body.reason, 'entry');
      assert.notEqual(await value(dc, '$rip'), rip1);
      assert.equal((await frames(dc))[0].name, '_start (ring 3)');
      const terminated = dc.waitForEvent('terminated');
      await dc.terminateRequest({});
      await terminated;
    } finally {
      await dc.stop();
    }
  });
});
