// The one name → stage table (debug-adapter/stages.ts) that the adapter's syscall profile and the
// Syscall Path view share: the functions of Linux's syscall path land in the stage of the
// article's diagram, every stage the kernel can reach has code in the built-in kernel (so the table
// and the kernel sources have not drifted apart), and extension/stages.ts is the same module.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES, stageOfKernelFunction, stageOfKernelInstruction, type StageId } from '../../debug-adapter/stages';
import * as extensionStages from '../../extension/stages';
import { createMachine } from '../../emulator/machine/machine';
import { kernelCodeRanges } from '../../debug-adapter/profile';

describe('name → stage table', () => {
  test('Linux function names land in the diagram stage', () => {
    const cases: [string, StageId | undefined][] = [
      ['entry_SYSCALL_64', 'entry'], ['entry_SYSCALL_64_after_hwframe', 'entry'], ['entry_SYSCALL_64+0x1f', 'entry'],
      ['clear_bhb_loop', 'entry'], ['entry_ibpb', 'entry'],
      ['do_syscall_64', 'dispatch'], ['syscall_enter_from_user_mode', 'dispatch'], ['__secure_computing', 'dispatch'],
      ['seccomp_run_filters', 'dispatch'], ['ptrace_report_syscall_entry', 'dispatch'],
      ['x64_sys_call', 'wrappers'], ['__x64_sys_read', 'wrappers'], ['__se_sys_read', 'wrappers'], ['__do_sys_openat', 'wrappers'],
      ['copy_to_user', 'copy'], ['_copy_from_user', 'copy'], ['copy_user_generic', 'copy'], ['access_ok', 'copy'], ['strncpy_from_user', 'copy'],
      ['syscall_exit_to_user_mode', 'exit'], ['exit_to_user_mode_prepare', 'exit'], ['ptrace_report_syscall_exit', 'exit'],
      ['syscall_return_via_sysret', 'sysret'], ['entry_SYSRETQ_unsafe_stack', 'sysret'],
      ['swapgs_restore_regs_and_return_to_usermode', 'iret'], ['native_irq_return_iret', 'iret'],
      ['ksys_read', undefined], ['vfs_read', undefined], ['ramfs_read', undefined],
    ];
    for (const [name, stage] of cases) assert.equal(stageOfKernelFunction(name), stage, name);
  });

  test('per instruction: unnamed functions are the handler; entry code after dispatch is exit work', () => {
    assert.equal(stageOfKernelInstruction('vfs_read', false), 'handler');
    assert.equal(stageOfKernelInstruction('entry_SYSCALL_64_after_hwframe', false), 'entry');
    assert.equal(stageOfKernelInstruction('entry_SYSCALL_64_after_hwframe', true), 'exit');
    assert.equal(stageOfKernelInstruction('syscall_return_via_sysret', true), 'sysret');
    assert.equal(stageOfKernelInstruction('copy_to_user', true), 'copy');
  });

  test('the extension sees the same module', () => {
    assert.equal(extensionStages.STAGES, STAGES);
    assert.equal(extensionStages.stageOfKernelFunction, stageOfKernelFunction);
  });

  test('every ring-0 stage of the diagram has code in the built-in kernel', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'samples', 'cat-hostname', 'cat.s'), 'utf8');
    const m = createMachine({ program: { kind: 'sources', files: [{ name: 'cat.s', text }] } });
    const ranges = kernelCodeRanges(m);
    assert.ok(ranges.length > 50);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i - 1].end <= ranges[i].start, 'ranges sorted, not overlapping');
    const index = (id: StageId) => STAGES.findIndex((s) => s.id === id);
    const reached = new Set(ranges.flatMap((r) => [r.stage, r.stagePastDispatch]));
    for (const id of ['entry', 'dispatch', 'wrappers', 'handler', 'copy', 'exit', 'sysret', 'iret'] as const) {
      assert.ok(reached.has(index(id)), `some kernel code is in stage ${id}`);
    }
    // the functions the stage titles name exist
    for (const name of ['entry_SYSCALL_64', 'do_syscall_64', 'x64_sys_call', 'copy_to_user', 'syscall_exit_to_user_mode',
      'syscall_return_via_sysret', 'swapgs_restore_regs_and_return_to_usermode']) {
      assert.ok(m.symbolByName(name), name);
    }
  });
});
