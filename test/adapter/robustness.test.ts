// Robustness over DAP: unknown commands, malformed arguments, requests out of order, programs that
// do not assemble, guests that fault or loop forever (pause), and every sample run to its end.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FIXTURES, ROOT, evaluate, frames, launch, startClient, stopped, value } from './dap';

describe('robustness over DAP', () => {
  test('bad requests get error responses and the adapter lives on', async () => {
    const dc = await startClient();
    try {
      await assert.rejects(dc.customRequest('frobnicate', {}), /unknown request 'frobnicate'/);
      await dc.configurationDoneRequest(); // before launch: accepted, remembered
      await assert.rejects(dc.customRequest('attach', {}), /only launches/);
      await assert.rejects(dc.stackTraceRequest({ threadId: 1 }), /no program is loaded yet/);
      await assert.rejects(dc.nextRequest({ threadId: 1 }), /no program is loaded yet/);
      await assert.rejects(dc.evaluateRequest({ expression: 'rax' }), /no program is loaded yet/);
      await assert.rejects(dc.launchRequest({ program: 7 } as never), /attribute 'program'/);
      await assert.rejects(dc.launchRequest({ program: 'x.s', stopOnEntyr: true } as never), /unknown launch attribute 'stopOnEntyr'/);
      await assert.rejects(dc.launchRequest({ program: join(FIXTURES, 'missing.s') } as never), /cannot read/);
      await assert.rejects(dc.launchRequest({ program: join(FIXTURES, 'bad.s') } as never), /does not assemble:\n.*bad\.s:5:/);
      // After all that, a good launch still works in the same adapter process.
      const entry = dc.waitForEvent('stopped');
      await launch(dc, { program: join(FIXTURES, 'loop.s'), stopOnEntry: true });
      await entry;
      await assert.rejects(dc.launchRequest({ program: join(FIXTURES, 'loop.s') } as never), /already/);
      await assert.rejects(dc.stackTraceRequest({ threadId: 1, startFrame: 'x' } as never), /'startFrame' must be an integer/);
      await assert.rejects(dc.scopesRequest({ frameId: 99 }), /no stack frame with id 99/);
      await assert.rejects(dc.variablesRequest({ variablesReference: 12345 }), /no variables with reference/);
      await assert.rejects(dc.variablesRequest({} as never), /'variablesReference'/);
      await assert.rejects(dc.customRequest('readMemory', { memoryReference: 'zz', count: 4 }), /memoryReference/);
      await assert.rejects(dc.setBreakpointsRequest({ source: 'nope', breakpoints: [] } as never), /'source'/);
      await assert.rejects(dc.setBreakpointsRequest({ source: { path: join(FIXTURES, 'loop.s') }, breakpoints: [{ line: 'x' }] } as never), /numeric 'line'/);
      await assert.rejects(dc.nextRequest({ threadId: 1, granularity: 'word' } as never), /'granularity'/);
      await assert.rejects(dc.exceptionInfoRequest({ threadId: 1 }), /did not stop on an exception/);
      await assert.rejects(dc.customRequest('setVariable', { variablesReference: 1, name: 'cs', value: '0' }), /./);
      const bp = await dc.setBreakpointsRequest({ source: { path: join(ROOT, 'nowhere.s') }, breakpoints: [{ line: 1 }] });
      assert.equal(bp.body.breakpoints[0].verified, false);
      // Pause during an infinite loop answers quickly and stops in the loop.
      await dc.continueRequest({ threadId: 1 });
      await assert.rejects(dc.stackTraceRequest({ threadId: 1 }), /running/);
      const paused = await stopped(dc, () => dc.pauseRequest({ threadId: 1 }));
      assert.equal(paused.body.reason, 'pause');
      assert.match((await frames(dc))[0].name, /^(spin|_start) \(ring 3\)$/);
      assert.ok((await value(dc, 'rcx')) > 0n);
      // Step back by line: to the start of the previous line.
      const line = (await frames(dc))[0].line;
      await stopped(dc, () => dc.stepBackRequest({ threadId: 1 }));
      assert.notEqual((await frames(dc))[0].line, line);
      // Reverse continue with no breakpoints runs back to the start of the history.
      const back = await stopped(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
      assert.equal(back.body.reason, 'step');
      assert.equal(await value(dc, 'rcx'), 0n);
      const threads = await dc.threadsRequest();
      assert.equal(threads.body.threads.length, 1);
      // Disconnect while the guest spins: answered at once.
      await dc.continueRequest({ threadId: 1 });
      await dc.disconnectRequest({});
    } finally {
      await dc.stop();
    }
  });

  test('a user fault stops as an exception with exceptionInfo, then the process dies of SIGSEGV', async () => {
    const dc = await startClient();
    try {
      const ev = dc.waitForEvent('stopped');
      await launch(dc, { program: join(FIXTURES, 'fault.s') }, () => dc.setExceptionBreakpointsRequest({ filters: ['user-fault', 'kernel-oops'] }));
      const stop = (await ev) as { body: { reason: string; description?: string } };
      assert.equal(stop.body.reason, 'exception');
      const info = await dc.exceptionInfoRequest({ threadId: 1 });
      assert.match(info.body.description ?? '', /#PF/);
      assert.match(info.body.description ?? '', /CR2 0xffffffff81000000/);
      assert.match(info.body.description ?? '', /SIGSEGV/);
      // Stopped at the kernel's handler, with the faulting user instruction below the label frame.
      assert.match(await evaluate(dc, '$cpl'), /^0x0/);
      const f = await frames(dc);
      const label = f.findIndex((x) => x.presentationHint === 'label');
      assert.equal(f[label].name, '── exception: ring 3 → ring 0 ──');
      assert.equal(f[label + 1].name, '_start (ring 3)');
      assert.equal(f[label + 1].line, 6, 'the movq that read kernel memory');
      const exited = dc.waitForEvent('exited');
      await dc.continueRequest({ threadId: 1 });
      assert.equal((await exited).body.exitCode, 139);
    } finally {
      await dc.stop();
    }
  });
});

/** User code that faults in each way the CPU can: the exception, then the signal's exit status. */
const FAULTS: { name: string; body: string; exception: RegExp; status: number }[] = [
  { name: 'ud2', body: 'ud2', exception: /#UD/, status: 128 + 4 },
  { name: 'divide by zero', body: 'xorl %ecx, %ecx\n        divl %ecx', exception: /#DE/, status: 128 + 8 },
  { name: 'privileged instruction', body: 'hlt', exception: /#GP/, status: 128 + 11 },
  { name: 'non-canonical address', body: 'movabsq $0x8000000000000000, %rax\n        movq (%rax), %rax', exception: /#GP/, status: 128 + 11 },
  { name: 'write to read-only text', body: 'leaq _start(%rip), %rax\n        movb $0, (%rax)', exception: /#PF.*error code 0x7/, status: 128 + 11 },
  { name: 'int3', body: 'int3', exception: /#BP/, status: 128 + 5 },
];

describe('a guest that faults in every way stops cleanly, then dies of the signal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringstep-faults-'));
  for (const f of FAULTS) {
    test(f.name, async () => {
      const file = join(dir, `${f.name.replace(/\W+/g, '-')}.s`);
      writeFileSync(file, `        .text\n        .globl _start\n_start:\n        ${f.body}\n        movl $60, %eax\n        xorl %edi, %edi\n        syscall\n`);
      const dc = await startClient();
      try {
        const ev = dc.waitForEvent('stopped');
        await launch(dc, { program: file }, () => dc.setExceptionBreakpointsRequest({ filters: ['user-fault'] }));
        const stop = (await ev) as { body: { reason: string } };
        assert.equal(stop.body.reason, 'exception');
        const info = await dc.exceptionInfoRequest({ threadId: 1 });
        assert.match(info.body.description ?? '', f.exception);
        const exited = dc.waitForEvent('exited');
        await dc.continueRequest({ threadId: 1 });
        assert.equal((await exited).body.exitCode, f.status);
      } finally {
        await dc.stop();
      }
    });
  }
});

/** Exit statuses as a shell reports them (128 + signal for a kill), from the samples' READMEs. */
const EXPECTED: Record<string, number> = {
  'cat-hostname': 0, hello: 0, 'go-syscall6': 0, efault: 0, seccomp: 159, segfault: 139, 'signal-handler': 0, 'sysret-vs-iret': 0,
};

describe('every sample runs to its end under the debugger', () => {
  const samples = readdirSync(join(ROOT, 'samples'), { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  for (const name of samples) {
    test(name, async () => {
      const dc = await startClient();
      try {
        const exited = dc.waitForEvent('exited', 30_000);
        await launch(dc, { program: join(ROOT, 'samples', name) }, () => dc.setExceptionBreakpointsRequest({ filters: [] }));
        const code = (await exited).body.exitCode;
        if (name in EXPECTED) assert.equal(code, EXPECTED[name]);
      } finally {
        await dc.stop();
      }
    });
  }
});
