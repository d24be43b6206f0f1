# arch/x86/include/asm/thread_info.h, include/linux/thread_info.h -- per-task work flags.
#
# The exit path checks these bits before returning to user space: each one is a reason to do
# something first (deliver a signal, reschedule...). syscall_work holds the reasons to take the
# slow path around a system call (tracing, seccomp).

.equ THREAD_SIZE,		16384		# kernel stack per task (16 KiB, x86-64 without KASAN)

# TIF_* bit numbers (thread_info.flags)
.equ TIF_NOTIFY_RESUME,		1	# callback before returning to user
.equ TIF_SIGPENDING,		2	# signal pending
.equ TIF_NEED_RESCHED,		3	# rescheduling necessary
.equ TIF_SINGLESTEP,		4	# reenable singlestep on user return
.equ TIF_USER_RETURN_NOTIFY,	11
.equ TIF_UPROBE,		12
.equ TIF_PATCH_PENDING,		13
.equ TIF_NEED_FPU_LOAD,		14
.equ TIF_NOTIFY_SIGNAL,		17
.equ TIF_IO_BITMAP,		22

.equ _TIF_NOTIFY_RESUME,	1 << TIF_NOTIFY_RESUME
.equ _TIF_SIGPENDING,		1 << TIF_SIGPENDING
.equ _TIF_NEED_RESCHED,		1 << TIF_NEED_RESCHED
.equ _TIF_SINGLESTEP,		1 << TIF_SINGLESTEP
.equ _TIF_UPROBE,		1 << TIF_UPROBE
.equ _TIF_PATCH_PENDING,	1 << TIF_PATCH_PENDING
.equ _TIF_NOTIFY_SIGNAL,	1 << TIF_NOTIFY_SIGNAL

# include/linux/entry-common.h: the work exit_to_user_mode_loop() handles.
.equ EXIT_TO_USER_MODE_WORK, _TIF_SIGPENDING|_TIF_NOTIFY_RESUME|_TIF_UPROBE|_TIF_NEED_RESCHED|_TIF_PATCH_PENDING|_TIF_NOTIFY_SIGNAL

# SYSCALL_WORK_* bit numbers (thread_info.syscall_work), include/linux/thread_info.h
.equ SYSCALL_WORK_BIT_SECCOMP,			0	# kernel/seccomp.S sets it when a filter/strict mode is installed
.equ SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT,	1
.equ SYSCALL_WORK_BIT_SYSCALL_TRACE,		2	# ptrace: report entry and exit (strace)
.equ SYSCALL_WORK_BIT_SYSCALL_EMU,		3
.equ SYSCALL_WORK_BIT_SYSCALL_AUDIT,		4
.equ SYSCALL_WORK_BIT_SYSCALL_USER_DISPATCH,	5
.equ SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP,	6

.equ SYSCALL_WORK_SECCOMP,		1 << SYSCALL_WORK_BIT_SECCOMP
.equ SYSCALL_WORK_SYSCALL_TRACEPOINT,	1 << SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT
.equ SYSCALL_WORK_SYSCALL_TRACE,	1 << SYSCALL_WORK_BIT_SYSCALL_TRACE
.equ SYSCALL_WORK_SYSCALL_EMU,		1 << SYSCALL_WORK_BIT_SYSCALL_EMU
.equ SYSCALL_WORK_SYSCALL_AUDIT,	1 << SYSCALL_WORK_BIT_SYSCALL_AUDIT
.equ SYSCALL_WORK_SYSCALL_USER_DISPATCH, 1 << SYSCALL_WORK_BIT_SYSCALL_USER_DISPATCH
.equ SYSCALL_WORK_SYSCALL_EXIT_TRAP,	1 << SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP

.equ SYSCALL_WORK_ENTER, SYSCALL_WORK_SECCOMP|SYSCALL_WORK_SYSCALL_TRACEPOINT|SYSCALL_WORK_SYSCALL_TRACE|SYSCALL_WORK_SYSCALL_EMU|SYSCALL_WORK_SYSCALL_AUDIT|SYSCALL_WORK_SYSCALL_USER_DISPATCH
.equ SYSCALL_WORK_EXIT, SYSCALL_WORK_SYSCALL_TRACEPOINT|SYSCALL_WORK_SYSCALL_TRACE|SYSCALL_WORK_SYSCALL_AUDIT|SYSCALL_WORK_SYSCALL_USER_DISPATCH|SYSCALL_WORK_SYSCALL_EXIT_TRAP

# task_struct.atomic_flags bits (include/linux/sched.h)
.equ PFA_NO_NEW_PRIVS,		0	# prctl(PR_SET_NO_NEW_PRIVS)

# task_struct.flags bits
.equ PF_EXITING,		0x00000004
