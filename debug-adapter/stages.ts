// The stages of the article's syscall diagram: which stage a kernel function belongs to, which
// stage a stopped call stack is in, and which stage a single instruction counts for. Pure (no
// vscode, no Node): the debug adapter's syscall profile (profile.ts), the Syscall Path view and the
// debug tracker (through extension/stages.ts) and the tests all use this one table.

export type StageId =
  | 'user' | 'syscall' | 'entry' | 'dispatch' | 'wrappers' | 'handler' | 'copy' | 'exit' | 'sysret' | 'iret' | 'back';

export interface Stage {
  id: StageId;
  title: string;
  /** what happens there, in a few words each */
  steps: string[];
  ring: 0 | 3;
}

/** The `ringstep/syscallProfile` DAP event's body: where the last syscall's ring-0 instructions went. */
export interface SyscallProfile {
  /** the number as the kernel sees it (EAX, sign-extended) */
  nr: number;
  name: string;
  /** ring-0 instructions from SYSCALL to the return to ring 3 (the SYSRET/IRET included) */
  total: number;
  /** in diagram order; only stages that ran; the instructions add up to `total` */
  stages: { id: StageId; instructions: number }[];
  /** how it returned to user mode */
  exit: 'sysret' | 'iret';
}

/** In the order a syscall passes through them (sysret and iret are alternatives). */
export const STAGES: Stage[] = [
  { id: 'user', title: 'User code', steps: ['arguments in rdi, rsi, rdx, r10, r8, r9', 'number in rax'], ring: 3 },
  { id: 'syscall', title: 'SYSCALL', steps: ['rcx ← rip, r11 ← rflags', 'CS/SS from STAR, rip ← LSTAR', 'CPL 3 → 0'], ring: 3 },
  { id: 'entry', title: 'entry_SYSCALL_64', steps: ['swapgs', 'user rsp saved, kernel stack', 'CR3 → kernel page tables (PTI)', 'pt_regs pushed', 'mitigations: IBRS, untrain ret, clear BHB'], ring: 0 },
  { id: 'dispatch', title: 'do_syscall_64', steps: ['random kstack offset', 'ptrace report, seccomp', 'range check, array_index_nospec'], ring: 0 },
  { id: 'wrappers', title: 'x64_sys_call → __x64_sys_*', steps: ['arguments unpacked from pt_regs', '__se_sys_* → __do_sys_*'], ring: 0 },
  { id: 'handler', title: 'Handler', steps: ['ksys_read → vfs_read ...', 'the real work'], ring: 0 },
  { id: 'copy', title: 'copy_to_user', steps: ['access_ok', 'stac; rep movsb; clac', '__ex_table: fault → -EFAULT'], ring: 0 },
  { id: 'exit', title: 'Exit work', steps: ['regs->ax = result', 'syscall_exit_to_user_mode', 'signals, reschedule', 'SYSRET checks'], ring: 0 },
  { id: 'sysret', title: 'SYSRET path', steps: ['pop regs, trampoline stack', 'CR3 → user page tables', 'swapgs, verw', 'sysretq'], ring: 0 },
  { id: 'iret', title: 'IRET path', steps: ['when SYSRET is not safe', 'swapgs_restore_regs_and_return_to_usermode', 'iretq'], ring: 0 },
  { id: 'back', title: 'Back in user code', steps: ['result in rax', 'CPL 0 → 3'], ring: 3 },
];

/** The first identifier of a frame name: "entry_SYSCALL_64+0x12 [ring 0]" → "entry_SYSCALL_64". */
export function functionName(frameName: string): string {
  const m = /[A-Za-z_.$][\w.$]*/.exec(frameName);
  return m ? m[0] : frameName;
}

/** The stage a kernel function belongs to, or undefined for functions the diagram does not name. */
export function stageOfKernelFunction(name: string): StageId | undefined {
  const n = functionName(name);
  if (/^(copy_to_user|_copy_to_user|copy_from_user|_copy_from_user|_inline_copy_\w+|raw_copy_\w+|copy_user_generic|rep_movs_alternative|access_ok|__access_ok|mask_user_address|clear_user|strncpy_from_user|strnlen_user|put_user|get_user|__put_user\w*|__get_user\w*)$/.test(n)) return 'copy';
  if (/^(syscall_exit_to_user_mode\w*|exit_to_user_mode\w*|arch_exit_to_user_mode\w*|syscall_exit_work|arch_do_signal_or_restart|handle_signal|get_signal|schedule|choose_random_kstack_offset|rseq_\w+|ptrace_report_syscall_exit|fire_user_return_notifiers|do_syscall_64_exit\w*|syscall_return_checks?|sysret_ok\w*)$/.test(n)) return 'exit';
  if (/^(syscall_return_via_sysret|entry_SYSRETQ\w*|sysret_\w+)$/.test(n)) return 'sysret';
  if (/^(swapgs_restore_regs_and_return_to_usermode|common_interrupt_return|native_irq_return\w*|restore_regs_and_return_to_kernel|iret_\w+)$/.test(n)) return 'iret';
  if (/^(x64_sys_call|__x64_sys_\w+|__se_sys_\w+|__do_sys_\w+|sys_call_table|__x64_sys_ni_syscall)$/.test(n)) return 'wrappers';
  if (/^(do_syscall_64|do_syscall_x64|do_syscall_x32|syscall_enter_from_user_mode\w*|enter_from_user_mode|arch_enter_from_user_mode|syscall_trace_enter|ptrace_report_syscall\w*|__secure_computing|secure_computing|seccomp\w*|__seccomp\w*|bpf_prog_run\w*|add_random_kstack_offset|array_index_nospec|audit_syscall_entry)$/.test(n)) return 'dispatch';
  if (/^(entry_SYSCALL_64\w*|clear_bhb_loop|entry_untrain_ret|entry_ibpb|srso\w*|untrain_ret\w*|ibrs_enter\w*)$/.test(n)) return 'entry';
  return undefined;
}

/** Stages at or after do_syscall_64: once one of them ran, entry_SYSCALL_64's code is its exit half. */
const PAST_DISPATCH: ReadonlySet<StageId> = new Set<StageId>(['dispatch', 'wrappers', 'handler', 'copy', 'exit']);

export function isPastDispatch(stage: StageId): boolean {
  return PAST_DISPATCH.has(stage);
}

/**
 * The stage a ring-0 instruction inside kernel function `name` counts for, during a syscall.
 * - A function the table names: its stage.
 * - Any other kernel function (ksys_read, vfs_read, ramfs_read ...): the handler, the real work.
 * - entry_SYSCALL_64's own code after do_syscall_64 returned (the test of its answer, before
 *   syscall_return_via_sysret): exit work, the "SYSRET checks" (`pastDispatch` says we are there).
 */
export function stageOfKernelInstruction(name: string, pastDispatch: boolean): StageId {
  const s = stageOfKernelFunction(name) ?? 'handler';
  return s === 'entry' && pastDispatch ? 'exit' : s;
}

export interface FrameLike {
  name: string;
  presentationHint?: string;
}

/** Frames of a stopped thread, innermost first, split at the ring-boundary label frame. */
export function splitAtBoundary(frames: FrameLike[]): { kernel: FrameLike[]; user: FrameLike[]; hasBoundary: boolean } {
  // the crossing from user space; other label frames (an exception inside the kernel) sit above it
  let i = frames.findIndex((f) => /ring 3\s*(→|->)\s*ring 0/i.test(f.name));
  if (i < 0) i = frames.findIndex((f) => f.presentationHint === 'label');
  if (i < 0) return { kernel: [], user: frames, hasBoundary: false };
  return { kernel: frames.slice(0, i), user: frames.slice(i + 1), hasBoundary: true };
}

/**
 * The stage for a stopped call stack (innermost frame first).
 * - No kernel frames: user code (or `syscall` when the top frame sits on a syscall instruction; the
 *   caller says so), or `back` when a syscall has just completed.
 * - Kernel frames: the innermost frame the diagram names; an unnamed function called from a wrapper
 *   is the handler (ksys_read, vfs_read ...).
 */
export function stageOfStack(frames: FrameLike[], opts: { atSyscallInstruction?: boolean; afterSyscall?: boolean; ring?: number } = {}): StageId {
  const { kernel, hasBoundary } = splitAtBoundary(frames);
  const inKernel = hasBoundary || opts.ring === 0 || (frames[0] && stageOfKernelFunction(frames[0].name) !== undefined);
  if (!inKernel) {
    if (opts.atSyscallInstruction) return 'syscall';
    return opts.afterSyscall ? 'back' : 'user';
  }
  const kframes = kernel.length ? kernel : frames;
  let sawUnnamed = false;
  for (const f of kframes) {
    const s = stageOfKernelFunction(f.name);
    if (!s) { sawUnnamed = true; continue; }
    if (sawUnnamed && (s === 'wrappers' || s === 'dispatch')) return 'handler';
    return s;
  }
  return sawUnnamed ? 'handler' : 'entry';
}
