# include/generated/asm-offsets.h -- where each field of the kernel's structures lives.
#
# Linux generates this file from C (arch/x86/kernel/asm-offsets*.c) so that assembly can reach
# struct fields by name. Our structures exist only here: this file IS their definition.
# Every field is 8 bytes unless noted.

# ---- struct pt_regs (arch/x86/include/asm/ptrace.h) --------------------------------------------
# The saved user registers at the top of the task's kernel stack. The entry code builds it with
# pushes, so the last pushed register (r15) is at offset 0. The 5 words from `ip` up are exactly the
# frame IRETQ pops.
.equ pt_regs_r15,	0
.equ pt_regs_r14,	8
.equ pt_regs_r13,	16
.equ pt_regs_r12,	24
.equ pt_regs_bp,	32
.equ pt_regs_bx,	40
.equ pt_regs_r11,	48	# user RFLAGS, as SYSCALL saved it in r11
.equ pt_regs_r10,	56	# syscall arg 4 (r10, because SYSCALL overwrites rcx)
.equ pt_regs_r9,	64	# arg 6
.equ pt_regs_r8,	72	# arg 5
.equ pt_regs_ax,	80	# -ENOSYS on entry, then the return value
.equ pt_regs_cx,	88	# user RIP, as SYSCALL saved it in rcx
.equ pt_regs_dx,	96	# arg 3
.equ pt_regs_si,	104	# arg 2
.equ pt_regs_di,	112	# arg 1
.equ pt_regs_orig_ax,	120	# the syscall number, all 64 bits (-1 for exceptions; error code on entry)
.equ pt_regs_ip,	128
.equ pt_regs_cs,	136
.equ pt_regs_flags,	144
.equ pt_regs_sp,	152
.equ pt_regs_ss,	160
.equ PTREGS_SIZE,	168

# ---- struct x86_hw_tss (arch/x86/include/asm/processor.h), packed ------------------------------
.equ TSS_sp0,		4	# stack loaded on an interrupt/exception from ring 3 (our entry stack)
.equ TSS_sp1,		12	# unused by Linux
.equ TSS_sp2,		20	# unused by hardware: Linux's scratch slot for the user RSP at SYSCALL
.equ TSS_ist,		36	# 7 interrupt stack table entries
.equ TSS_io_bitmap_base, 102	# u16
.equ TSS_SIZE,		104

# ---- the per-CPU area (one CPU). While in the kernel GS.base points at it. ----------------------
# Linux: PER_CPU_VAR(x) expands to %gs:x. Here: %gs:PCPU_x.
.equ PCPU_cpu_tss_rw,			0	# struct tss_struct (the hardware TSS)
.equ PCPU_current_task,			128	# pcpu_hot.current_task: `current`
.equ PCPU_cpu_current_top_of_stack,	136	# pcpu_hot.top_of_stack: end of current's pt_regs
.equ PCPU_x86_spec_ctrl_current,	144	# SPEC_CTRL value while in the kernel (IBRS set)
.equ PCPU_cpu_number,			152	# always 0
.equ PCPU_SIZE,				256

# ---- struct task_struct (include/linux/sched.h) ------------------------------------------------
# thread_info comes first, as in Linux with CONFIG_THREAD_INFO_IN_TASK, so `current` is also the
# address of current's thread_info.
.equ TASK_ti_flags,		0	# thread_info.flags: TIF_* bits
.equ TASK_ti_syscall_work,	8	# thread_info.syscall_work: SYSCALL_WORK_* bits
.equ TASK_ti_status,		16	# thread_info.status: TS_* bits
.equ TASK_stack,		24	# lowest address of the kernel stack (THREAD_SIZE bytes)
.equ TASK_pid,			32	# thread id (pid_t, used as 64-bit here)
.equ TASK_tgid,			40	# process id (what getpid returns)
.equ TASK_ppid,			48	# real_parent->tgid
.equ TASK_uid,			56	# cred->uid
.equ TASK_euid,			64
.equ TASK_gid,			72
.equ TASK_egid,			80
.equ TASK_kstack_offset,	88	# randomize_kstack_offset state (u32 used)
.equ TASK_flags,		96	# PF_* flags
.equ TASK_atomic_flags,		104	# PFA_* bits: PFA_NO_NEW_PRIVS
.equ TASK_exit_code,		112	# wait status once exiting
.equ TASK_files,		120	# struct files_struct * (the fd table)
.equ TASK_fsbase,		128	# thread.fsbase (arch_prctl ARCH_SET_FS)
.equ TASK_gsbase,		136	# thread.gsbase
.equ TASK_comm,			144	# char comm[16]: executable name, for oops and strace
.equ TASK_mm_pgd,		160	# mm->pgd: physical address of the 8 KiB PGD pair (kernel, user)
.equ TASK_mm_start_brk,		168	# mm->start_brk
.equ TASK_mm_brk,		176	# mm->brk
.equ TASK_mm_mmap_base,		184	# mm->mmap_base (top-down mmap starts below it)
.equ TASK_mm_start_stack,	192	# lowest mapped user stack address
.equ TASK_seccomp_mode,		200	# seccomp.mode: SECCOMP_MODE_*
.equ TASK_seccomp_filter,	208	# seccomp.filter: newest filter (kernel/seccomp.S's struct seccomp_filter)
.equ TASK_blocked,		216	# sigset_t blocked
.equ TASK_pending_signal,	224	# pending.signal: bitmask of pending signals (bit sig-1)
.equ TASK_saved_sigmask,	232	# saved_sigmask
.equ TASK_sighand,		240	# struct sighand_struct * (kernel/signal.S)
.equ TASK_mm_def_flags,		248	# spare
.equ TASK_ptrace,		256	# PT_PTRACED (1) when a tracer (strace, the debugger) is attached
.equ TASK_thread_trap_nr,	264	# thread.trap_nr: vector of the last user fault (for sigcontext)
.equ TASK_thread_error_code,	272	# thread.error_code: its error code
.equ TASK_thread_cr2,		280	# thread.cr2: for a #PF, the address
.equ TASK_STRUCT_SIZE,		4096

# ---- struct thread_info: same offsets, Linux's names for asm -----------------------------------
.equ TI_flags,			TASK_ti_flags
.equ TI_syscall_work,		TASK_ti_syscall_work
