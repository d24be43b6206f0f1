// `kernelSources`: a learner copies the kernel into the workspace, changes it, and debugs the
// changed kernel — breakpoints in the copy bind, frames point into the copy, and the change runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, startClient } from './dap';

const work = join(ROOT, '.tmp', 'adapter-kernel-sources');

test('a modified copy of the kernel sources is the kernel that runs', async () => {
  rmSync(work, { recursive: true, force: true });
  const kernel = join(work, 'kernel');
  cpSync(join(ROOT, 'emulator', 'kernel'), kernel, { recursive: true, filter: (p) => !p.endsWith('.ts') });
  // the learner's change: getpid returns 4242 instead of current->tgid
  const sys = join(kernel, 'kernel', 'sys.S');
  const original = readFileSync(sys, 'utf8');
  const changed = original.replace(
    /^\tTASK_ID_GETTER getpid,\s*TASK_tgid$/m,
    'SYSCALL_DEFINE0 getpid\n\tmovl\t$4242, %eax\t\t# the learner\'s change\n\tret\nSYSCALL_END getpid',
  );
  assert.notEqual(changed, original, 'the getpid line to replace was not found');
  writeFileSync(sys, changed);
  const changedLine = changed.split('\n').findIndex((l) => l.includes('$4242')) + 1;

  mkdirSync(work, { recursive: true });
  const prog = join(work, 'pid.s');
  writeFileSync(prog, '.text\n.globl _start\n_start:\n  movl $39, %eax\n  syscall\n  movl %eax, %edi\n  movl $231, %eax\n  syscall\n');

  const dc = await startClient();
  // this launch assembles a whole kernel that no cache holds yet: allow for a loaded CI machine
  dc.defaultTimeout = 60_000;
  try {
    await launch(dc, { program: prog, kernelSources: kernel }, async () => {
      const bp = await dc.setBreakpointsRequest({ source: { path: sys }, breakpoints: [{ line: changedLine }] });
      assert.equal(bp.body.breakpoints[0].verified, true, JSON.stringify(bp.body.breakpoints[0]));
    });
    const stopped = await dc.waitForEvent('stopped');
    assert.equal(stopped.body.reason, 'breakpoint');
    const st = await dc.stackTraceRequest({ threadId: stopped.body.threadId ?? 1 });
    const top = st.body.stackFrames[0];
    assert.equal(top.source?.path, sys, 'the top frame shows the copied file');
    assert.equal(top.line, changedLine);
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: stopped.body.threadId ?? 1 });
    assert.equal((await exited).body.exitCode, 4242 & 0xff);
  } finally {
    await dc.stop();
  }
});
