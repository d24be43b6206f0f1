// What VS Code showed wrong in a real session (test/e2e), over DAP against `node dist/debugAdapter.js`:
// pt_regs fields not yet pushed (and not live in ring 3), decimals of 64-bit values, references
// from an earlier stop, Step Over/Into/Back around macro invocations, and a launch whose program
// has many assembler errors.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, evaluate, frames, launch, lineOf, scope, startClient, stopped, value, variable } from './dap';

const CAT = join(ROOT, 'samples', 'cat-hostname', 'cat.s');
const READ_SYSCALL = lineOf(CAT, /^\s*syscall\b/, /^read_loop:/);
const ENTRY = join(ROOT, 'emulator', 'kernel', 'arch', 'x86', 'entry', 'entry_64.S');
const ORIG_AX = lineOf(ENTRY, /^\s*pushq\s+%rax\s+# pt_regs->orig_ax/);
const PUSH_AND_CLEAR = lineOf(ENTRY, /^\s*PUSH_AND_CLEAR_REGS \$-ENOSYS/);
const AFTER_PUSH_AND_CLEAR = lineOf(ENTRY, /^\s*movq\s+%rsp, %rdi/, /PUSH_AND_CLEAR_REGS \$-ENOSYS/);
const CALLING = join(ROOT, 'emulator', 'kernel', 'include', 'asm', 'calling.h');
const PUSH_REGS_USE = lineOf(CALLING, /^\s*PUSH_REGS \\rax/);
const CLEAR_REGS_USE = lineOf(CALLING, /^\s*CLEAR_REGS\s*$/, /^\.macro PUSH_AND_CLEAR_REGS/);

async function where(dc: DebugClient): Promise<string> {
  const f = (await frames(dc))[0];
  const file = f.source?.path ?? f.source?.name ?? '?';
  return `${file.split('/').pop()}:${f.line}`;
}

async function evalBody(dc: DebugClient, expression: string): Promise<DebugProtocol.EvaluateResponse['body']> {
  return (await dc.evaluateRequest({ expression, context: 'watch', frameId: 1 })).body;
}

/** Stop on the read `syscall`, then Step Into the kernel: entry_SYSCALL_64's first line. */
async function intoEntry(dc: DebugClient): Promise<void> {
  const hit = dc.waitForEvent('stopped');
  await launch(dc, { program: CAT }, () => dc.setBreakpointsRequest({ source: { path: CAT }, breakpoints: [{ line: READ_SYSCALL }] }));
  await hit;
  await dc.setBreakpointsRequest({ source: { path: CAT }, breakpoints: [] });
  await stopped(dc, () => dc.stepInRequest({ threadId: 1 }));
}

describe('display fixes over DAP', () => {
  let dc: DebugClient;
  const output: DebugProtocol.OutputEvent['body'][] = [];
  before(async () => {
    dc = await startClient();
    dc.on('output', (e) => output.push(e.body));
  });
  after(async () => { await dc.stop(); });

  test('pt_regs fields: "not yet pushed" while the entry code pushes them, "no syscall in progress" in ring 3', async () => {
    await intoEntry(dc);
    // openat ran before read: its number (257) is still in memory where orig_ax will go.
    const first = await evalBody(dc, 'pt_regs->orig_ax');
    assert.equal(first.result, '<not yet pushed>');
    assert.equal(first.variablesReference, 0);
    assert.equal(await evaluate(dc, 'pt_regs.ss'), '<not yet pushed>');
    await assert.rejects(dc.evaluateRequest({ expression: 'pt_regs->orig_ax + 1', context: 'watch', frameId: 1 }), /not yet pushed/);
    assert.match(await evaluate(dc, '&pt_regs->orig_ax'), /^0xffff/, 'its address is still known');

    // One instruction at a time: each field appears exactly when RSP has come down to it.
    const ssAddr = await value(dc, '&pt_regs->ss');
    const origAddr = await value(dc, '&pt_regs->orig_ax');
    for (let i = 0; i < 40 && (await value(dc, '$rsp')) !== origAddr; i++) {
      await stopped(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
      const rsp = await value(dc, '$rsp');
      if (rsp < 0xffff800000000000n) continue; // still on the user stack
      const ss = await evaluate(dc, 'pt_regs->ss');
      const orig = await evaluate(dc, 'pt_regs->orig_ax');
      assert.equal(ss === '<not yet pushed>', rsp > ssAddr, `ss at rsp=${rsp.toString(16)}: ${ss}`);
      assert.equal(orig === '<not yet pushed>', rsp > origAddr, `orig_ax at rsp=${rsp.toString(16)}: ${orig}`);
      if (rsp === ssAddr) {
        assert.equal(ss, '0x2b (43)', '__USER_DS');
        assert.equal(await evaluate(dc, 'pt_regs->sp'), '<not yet pushed>');
        const pt = await scope(dc, 'pt_regs');
        assert.equal(variable(pt.vars, 'sp').value, '(not yet pushed)', 'the scope agrees');
      }
    }
    assert.equal(await value(dc, '$rsp'), origAddr);
    assert.equal(await evaluate(dc, 'pt_regs->orig_ax'), '0x0 (0)', 'read is syscall 0');
    assert.equal(await evaluate(dc, 'pt_regs->ax'), '<not yet pushed>');

    // Back in ring 3 the frame only holds leftovers.
    for (let i = 0; i < 4 && (await value(dc, '$cpl')) !== 3n; i++) await stopped(dc, () => dc.stepOutRequest({ threadId: 1 }));
    assert.equal(await value(dc, '$cpl'), 3n);
    assert.equal(await evaluate(dc, 'pt_regs->ax'), '<no syscall in progress>');
    assert.equal(await evaluate(dc, 'pt_regs->orig_ax'), '<no syscall in progress>');
    const pt = await scope(dc, 'pt_regs');
    assert.match(variable(pt.vars, 'pt_regs').value, /not live: no syscall in progress/);
    assert.equal(pt.vars.find((v) => v.name === 'ax'), undefined, 'no leftover values');
  });

  test('numbers: addresses without a decimal, small negatives signed, the rest unsigned', async () => {
    // Ring 3, right after read returned 7.
    const regs = await scope(dc, 'Registers');
    assert.match(variable(regs.vars, 'rsp').value, /^0x7fff[0-9a-f]+$/, 'a mapped stack address: no decimal');
    assert.match(variable(regs.vars, 'rcx').value, /^0x[0-9a-f]+ <\w+\+0x[0-9a-f]+>$/, 'a code address: symbol, no decimal');
    assert.equal(variable(regs.vars, 'rax').value, '0x7 (7)');
    assert.equal(variable(regs.vars, 'rdx').value, '0x40000 (262144)', 'an unmapped number keeps its decimal');
    assert.match(await evaluate(dc, '$rsp'), /^0x7fff[0-9a-f]+$/);
    assert.match(await evaluate(dc, '$lstar'), /^0xffffffff8[0-9a-f]+ <entry_SYSCALL_64>$/, 'a kernel address: no decimal');
    assert.match(await evaluate(dc, '0xffffffff81016fd0'), /^0xffffffff81016fd0( <[^>]+>)?$/, 'the kernel stack address from the screenshot');
    assert.equal(await evaluate(dc, '0xffffff0000000000'), '0xffffff0000000000', 'canonical upper half, even unmapped');
    assert.equal(await evaluate(dc, '0x8000000000000000'), '0x8000000000000000 (9223372036854775808)');
    assert.match(await evaluate(dc, '(long)0xffffffff81016fd0'), /^0xffffffff81016fd0 \(-2130612272\)( <[^>]+>)?$/, 'an explicit signed type');
    assert.equal(await evaluate(dc, '-1'), '0xffffffffffffffff (-1)');
    assert.equal(await evaluate(dc, '(int)-5'), '0xfffffffb (-5)');
    // rax = -ENOSYS, in Variables (setVariable answers with the scope's format) and in Watch.
    const set = await dc.setVariableRequest({ variablesReference: regs.ref, name: 'rax', value: '-38' });
    assert.equal(set.body.value, '0xffffffffffffffda (-38)');
    assert.equal(variable((await scope(dc, 'Registers')).vars, 'rax').value, '0xffffffffffffffda (-38)');
    assert.equal(await evaluate(dc, 'rax'), '0xffffffffffffffda (-38)');
    assert.equal(await evaluate(dc, 'eax'), '0xffffffda (-38)');
    await dc.setVariableRequest({ variablesReference: (await scope(dc, 'Registers')).ref, name: 'rax', value: '7' });
  });

  test('a reference from an earlier stop answers an empty list, without noise in the Debug Console', async () => {
    const old = await scope(dc, 'Registers');
    const rflagsRef = variable(old.vars, 'rflags').variablesReference;
    await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    const before = output.length;
    for (const ref of [old.ref, rflagsRef, old.ref]) {
      const r = await dc.variablesRequest({ variablesReference: ref });
      assert.equal(r.success, true);
      assert.deepEqual(r.body.variables, []);
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // output events are batched
    assert.deepEqual(output.slice(before).filter((o) => /\[ringstep\]/.test(o.output)).map((o) => o.output), [], 'no message about it in the Debug Console');
    // This stop's references are different numbers and work.
    const now = await scope(dc, 'Registers');
    assert.notEqual(now.ref, old.ref);
    assert.ok(now.vars.length > 10);
    await assert.rejects(dc.variablesRequest({ variablesReference: 999_999 }), /no variables with reference/, 'never handed out');
  });
});

describe('stepping around macro invocations over DAP', () => {
  let dc: DebugClient;
  before(async () => { dc = await startClient(); });
  after(async () => { await dc.stop(); });

  test('Step Over from the line before a macro stops on it, then runs the whole expansion; Step Into stops on it first', async () => {
    await intoEntry(dc);
    while ((await frames(dc))[0].line! < ORIG_AX) await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(await where(dc), `entry_64.S:${ORIG_AX}`);
    await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(await where(dc), `entry_64.S:${PUSH_AND_CLEAR}`, 'next stops on the invocation line');
    await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(await where(dc), `entry_64.S:${AFTER_PUSH_AND_CLEAR}`, 'next runs the whole expansion');
    assert.equal(await value(dc, '$rsp'), await value(dc, '&pt_regs->r15'));

    // Step Back from the line after the expansion: back on the invocation line, at its start.
    await stopped(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal(await where(dc), `entry_64.S:${PUSH_AND_CLEAR}`, 'step back lands on the invocation line, not in the body');
    assert.equal(await value(dc, '$rsp'), await value(dc, '&pt_regs->orig_ax'), 'before the first push');
    await stopped(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal(await where(dc), `entry_64.S:${ORIG_AX}`);

    // Step Into from the line before: it also stops on the invocation line first ...
    await stopped(dc, () => dc.stepInRequest({ threadId: 1 }));
    assert.equal(await where(dc), `entry_64.S:${PUSH_AND_CLEAR}`, 'step into stops on the invocation line');
    // ... then opens PUSH_AND_CLEAR_REGS, whose first line invokes PUSH_REGS.
    await stopped(dc, () => dc.stepInRequest({ threadId: 1 }));
    assert.equal(await where(dc), `calling.h:${PUSH_REGS_USE}`);
    // Step Over there runs all of PUSH_REGS and stops on the next line of PUSH_AND_CLEAR_REGS.
    await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(await where(dc), `calling.h:${CLEAR_REGS_USE}`);
    assert.equal(await value(dc, '$rsp'), await value(dc, '&pt_regs->r15'), 'every push done');
    await stopped(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(await where(dc), `entry_64.S:${AFTER_PUSH_AND_CLEAR}`, 'and back in entry_64.S after the expansion');
  });
});

describe('a launch that does not assemble', () => {
  test('20 errors: a short launch error, all of them in the Debug Console', async () => {
    const dir = join(tmpdir(), `ringstep-adapter-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const program = join(dir, 'twenty-errors.s');
    const bad = Array.from({ length: 20 }, (_, i) => `        frobnicate${i} %rax, %rbx`);
    writeFileSync(program, ['        .text', '        .globl _start', '_start:', ...bad, '        syscall', ''].join('\n'));
    const dc = await startClient();
    const output: DebugProtocol.OutputEvent['body'][] = [];
    dc.on('output', (e) => output.push(e.body));
    try {
      const err = await dc.launchRequest({ program } as DebugProtocol.LaunchRequestArguments).then(() => undefined, (e: Error) => e);
      assert.ok(err, 'the launch fails');
      const lines = err.message.split('\n');
      assert.equal(lines[0], 'the program does not assemble:');
      assert.equal(lines.length, 5, err.message);
      for (let i = 0; i < 3; i++) assert.match(lines[1 + i], new RegExp(`^${program.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${4 + i}:\\d+: .*frobnicate${i}`));
      assert.match(lines[4], /^and 17 more\b/);
      const stderr = output.filter((o) => o.category === 'stderr').map((o) => o.output).join('');
      for (let i = 0; i < 20; i++) assert.match(stderr, new RegExp(`twenty-errors\\.s:${4 + i}:\\d+: .*frobnicate${i}\\b`));
    } finally {
      await dc.stop();
    }
  });
});
