// Oracle: GNU as assembles every kernel file with no error and no warning, and GNU ld links them
// at 0xffffffff81000000 with every symbol resolved (skipped where binutils is missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { kernelSources, kernelUnits } from '../../emulator/kernel/index';

const haveBinutils = spawnSync('as', ['--version']).status === 0 && spawnSync('ld', ['--version']).status === 0;

test('GNU as + ld build the kernel cleanly', { skip: !haveBinutils && 'binutils not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringstep-kernel-'));
  try {
    const files = kernelSources();
    for (const f of files) {
      mkdirSync(dirname(join(dir, 'src', f.name)), { recursive: true });
      writeFileSync(join(dir, 'src', f.name), f.text);
    }
    const objs: string[] = [];
    for (const [i, f] of kernelUnits(files).entries()) {
      const o = join(dir, `${i}.o`);
      const r = spawnSync('as', ['--64', '-I', join(dir, 'src'), '-I', join(dir, 'src', 'include'), '-o', o, join(dir, 'src', f.name)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${f.name}: ${r.stderr}`);
      assert.equal(r.stderr, '', `${f.name} warnings: ${r.stderr}`);
      objs.push(o);
    }
    const out = join(dir, 'vmlinux');
    const l = spawnSync('ld', ['-o', out, '-Ttext=0xffffffff81000000', '-e', 'startup_64', ...objs], { encoding: 'utf8' });
    assert.equal(l.status, 0, l.stderr);
    const nm = spawnSync('nm', [out], { encoding: 'utf8' }).stdout;
    for (const sym of ['startup_64', 'entry_SYSCALL_64', 'sys_call_table', 'cpu_current_top_of_stack', 'boot_params_ptr', '__start___ex_table', '__stop___ex_table']) {
      assert.match(nm, new RegExp(` ${sym}\\n`), sym);
    }
    // sys_call_table holds NR_syscalls (463) pointers
    const size = spawnSync('nm', ['-S', out], { encoding: 'utf8' }).stdout.split('\n').find((x) => x.endsWith(' sys_call_table'));
    assert.ok(size && parseInt(size.split(' ')[1], 16) === 463 * 8, size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
