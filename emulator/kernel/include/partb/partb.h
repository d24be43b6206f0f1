# include/partb/partb.h -- constants and layouts shared by part B's kernel files: signals
# (include/uapi/asm-generic/signal.h, siginfo.h, arch/x86/include/uapi/asm/sigcontext.h), seccomp
# (include/uapi/linux/seccomp.h, filter.h), memory (include/uapi/asm-generic/mman-common.h),
# prctl/arch_prctl numbers, and the SYSCALL_DEFINE-style wrapper these files use.
# Needs: include/generated/asm-offsets.h, include/linux/linkage.h (include them first)

# ---- signals -------------------------------------------------------------------------------------
.equ SIGHUP, 1
.equ SIGINT, 2
.equ SIGQUIT, 3
.equ SIGILL, 4
.equ SIGTRAP, 5
.equ SIGABRT, 6
.equ SIGBUS, 7
.equ SIGFPE, 8
.equ SIGKILL, 9
.equ SIGUSR1, 10
.equ SIGSEGV, 11
.equ SIGUSR2, 12
.equ SIGPIPE, 13
.equ SIGALRM, 14
.equ SIGTERM, 15
.equ SIGCHLD, 17
.equ SIGCONT, 18
.equ SIGSTOP, 19
.equ SIGTSTP, 20
.equ SIGTTIN, 21
.equ SIGTTOU, 22
.equ SIGURG, 23
.equ SIGXCPU, 24
.equ SIGXFSZ, 25
.equ SIGWINCH, 28
.equ SIGSYS, 31
.equ _NSIG, 64

# sigmask(sig) is bit sig-1. SIGKILL and SIGSTOP can never be blocked, caught or ignored.
.equ SIGMASK_KILL_STOP, (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1))
# Signals whose default action is to dump core (include/linux/signal.h SIG_KERNEL_COREDUMP_MASK).
.equ SIG_KERNEL_COREDUMP_MASK, (1 << (SIGQUIT-1)) | (1 << (SIGILL-1)) | (1 << (SIGTRAP-1)) | (1 << (SIGABRT-1)) | (1 << (SIGFPE-1)) | (1 << (SIGSEGV-1)) | (1 << (SIGBUS-1)) | (1 << (SIGSYS-1)) | (1 << (SIGXCPU-1)) | (1 << (SIGXFSZ-1))
# Signals whose default action is to do nothing (SIG_KERNEL_IGNORE_MASK).
.equ SIG_KERNEL_IGNORE_MASK, (1 << (SIGCHLD-1)) | (1 << (SIGCONT-1)) | (1 << (SIGURG-1)) | (1 << (SIGWINCH-1))
# Stop signals: with no job control in this kernel they are ignored like Linux ignores them for an orphaned group.
.equ SIG_KERNEL_STOP_MASK, (1 << (SIGSTOP-1)) | (1 << (SIGTSTP-1)) | (1 << (SIGTTIN-1)) | (1 << (SIGTTOU-1))

.equ SIG_DFL, 0
.equ SIG_IGN, 1
.equ SIG_BLOCK, 0
.equ SIG_UNBLOCK, 1
.equ SIG_SETMASK, 2

.equ SA_SIGINFO, 0x00000004
.equ SA_RESTORER, 0x04000000
.equ SA_ONSTACK, 0x08000000
.equ SA_RESTART, 0x10000000
.equ SA_NODEFER, 0x40000000
.equ SA_RESETHAND, 0x80000000
# Kernel-only flag (Linux: SA_IMMUTABLE): a forced fatal signal that a tracer may not intercept.
.equ SA_IMMUTABLE, 0x00800000

# struct k_sigaction as user space passes it to rt_sigaction on x86-64 (struct sigaction in the kernel).
.equ KSA_handler, 0
.equ KSA_flags, 8
.equ KSA_restorer, 16
.equ KSA_mask, 24
.equ KSA_SIZE, 32

# siginfo_t (128 bytes): the three ints, then a union at 16.
.equ SI_signo, 0
.equ SI_errno, 4
.equ SI_code, 8
.equ SI_pid, 16			# kill: sender
.equ SI_uid, 20
.equ SI_addr, 16		# faults: the address
.equ SI_call_addr, 16		# SIGSYS: the instruction after the syscall
.equ SI_syscall, 24
.equ SI_arch, 28
.equ SIGINFO_SIZE, 128

.equ SI_USER, 0
.equ SI_KERNEL, 0x80
.equ SI_TKILL, -6
.equ SEGV_MAPERR, 1
.equ SEGV_ACCERR, 2
.equ ILL_ILLOPN, 2
.equ FPE_INTDIV, 1
.equ SYS_SECCOMP, 1

# struct sigcontext (arch/x86/include/uapi/asm/sigcontext.h, 64-bit): 256 bytes.
.equ SC_r8, 0
.equ SC_r9, 8
.equ SC_r10, 16
.equ SC_r11, 24
.equ SC_r12, 32
.equ SC_r13, 40
.equ SC_r14, 48
.equ SC_r15, 56
.equ SC_di, 64
.equ SC_si, 72
.equ SC_bp, 80
.equ SC_bx, 88
.equ SC_dx, 96
.equ SC_ax, 104
.equ SC_cx, 112
.equ SC_sp, 120
.equ SC_ip, 128
.equ SC_flags, 136
.equ SC_cs, 144			# u16, then gs, fs, ss (u16 each)
.equ SC_ss, 150
.equ SC_err, 152
.equ SC_trapno, 160
.equ SC_oldmask, 168
.equ SC_cr2, 176
.equ SC_fpstate, 184		# NULL here: this kernel keeps no FPU state (see signal.S)
.equ SIGCONTEXT_SIZE, 256

# struct ucontext (include/uapi/asm-generic/ucontext.h): 304 bytes.
.equ UC_flags, 0
.equ UC_link, 8
.equ UC_stack, 16		# stack_t: ss_sp, ss_flags (+pad), ss_size
.equ UC_mcontext, 40		# struct sigcontext
.equ UC_sigmask, 296
.equ UCONTEXT_SIZE, 304
.equ UC_SIGCONTEXT_SS, 0x2
.equ UC_STRICT_RESTORE_SS, 0x4
.equ SS_DISABLE, 2

# struct rt_sigframe (arch/x86/include/asm/sigframe.h): pretcode, then uc, then info.
.equ RTF_pretcode, 0
.equ RTF_uc, 8
.equ RTF_info, 8 + UCONTEXT_SIZE
.equ RT_SIGFRAME_SIZE, 8 + UCONTEXT_SIZE + SIGINFO_SIZE

# ---- seccomp ------------------------------------------------------------------------------------
.equ SECCOMP_MODE_DISABLED, 0
.equ SECCOMP_MODE_STRICT, 1
.equ SECCOMP_MODE_FILTER, 2
.equ SECCOMP_MODE_DEAD, 3		# internal: after a KILL action, nothing more may run

.equ SECCOMP_SET_MODE_STRICT, 0
.equ SECCOMP_SET_MODE_FILTER, 1
.equ SECCOMP_GET_ACTION_AVAIL, 2
.equ SECCOMP_GET_NOTIF_SIZES, 3

.equ SECCOMP_FILTER_FLAG_TSYNC, 1
.equ SECCOMP_FILTER_FLAG_LOG, 2
.equ SECCOMP_FILTER_FLAG_SPEC_ALLOW, 4
.equ SECCOMP_FILTER_FLAG_NEW_LISTENER, 8
.equ SECCOMP_FILTER_FLAG_TSYNC_ESRCH, 16
.equ SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, 32

.equ SECCOMP_RET_KILL_PROCESS, 0x80000000
.equ SECCOMP_RET_KILL_THREAD, 0x00000000
.equ SECCOMP_RET_TRAP, 0x00030000
.equ SECCOMP_RET_ERRNO, 0x00050000
.equ SECCOMP_RET_USER_NOTIF, 0x7fc00000
.equ SECCOMP_RET_TRACE, 0x7ff00000
.equ SECCOMP_RET_LOG, 0x7ffc0000
.equ SECCOMP_RET_ALLOW, 0x7fff0000
.equ SECCOMP_RET_ACTION_FULL, 0xffff0000
.equ SECCOMP_RET_DATA, 0x0000ffff

.equ AUDIT_ARCH_X86_64, 0xc000003e

# struct seccomp_data: what a filter sees.
.equ SD_nr, 0
.equ SD_arch, 4
.equ SD_instruction_pointer, 8
.equ SD_args, 16
.equ SECCOMP_DATA_SIZE, 64

# struct sock_fprog / sock_filter
.equ FPROG_len, 0		# u16
.equ FPROG_filter, 8
.equ SOCK_FILTER_SIZE, 8
.equ BPF_MAXINSNS, 4096
.equ BPF_MEMWORDS, 16
# Linux caps the instructions run per syscall across all filters (each filter costs 4 more).
.equ MAX_INSNS_PER_PATH, (1 << 18) / 8

# Our struct seccomp_filter: a page-run from get_zeroed_page: prev, len, then the instructions.
.equ SF_prev, 0
.equ SF_len, 8
.equ SF_log, 16
.equ SF_insns, 24

# classic BPF opcode fields (include/uapi/linux/bpf_common.h)
.equ BPF_LD, 0x00
.equ BPF_LDX, 0x01
.equ BPF_ST, 0x02
.equ BPF_STX, 0x03
.equ BPF_ALU, 0x04
.equ BPF_JMP, 0x05
.equ BPF_RET, 0x06
.equ BPF_MISC, 0x07
.equ BPF_W, 0x00
.equ BPF_IMM, 0x00
.equ BPF_ABS, 0x20
.equ BPF_MEM, 0x60
.equ BPF_LEN, 0x80
.equ BPF_K, 0x00
.equ BPF_X, 0x08
.equ BPF_A, 0x10
.equ BPF_ADD, 0x00
.equ BPF_SUB, 0x10
.equ BPF_MUL, 0x20
.equ BPF_DIV, 0x30
.equ BPF_OR, 0x40
.equ BPF_AND, 0x50
.equ BPF_LSH, 0x60
.equ BPF_RSH, 0x70
.equ BPF_NEG, 0x80
.equ BPF_XOR, 0xa0
.equ BPF_JA, 0x00
.equ BPF_JEQ, 0x10
.equ BPF_JGT, 0x20
.equ BPF_JGE, 0x30
.equ BPF_JSET, 0x40
.equ BPF_TAX, 0x00
.equ BPF_TXA, 0x80

# ---- prctl / arch_prctl ---------------------------------------------------------------------------
.equ PR_GET_SECCOMP, 21
.equ PR_SET_SECCOMP, 22
.equ PR_SET_NO_NEW_PRIVS, 38
.equ PR_GET_NO_NEW_PRIVS, 39
.equ ARCH_SET_GS, 0x1001
.equ ARCH_SET_FS, 0x1002
.equ ARCH_GET_FS, 0x1003
.equ ARCH_GET_GS, 0x1004

# ---- memory -------------------------------------------------------------------------------------
.equ PROT_NONE, 0
.equ PROT_READ, 1
.equ PROT_WRITE, 2
.equ PROT_EXEC, 4
.equ PROT_SEM, 8
.equ PROT_GROWSDOWN, 0x01000000
.equ PROT_GROWSUP, 0x02000000
.equ MAP_SHARED, 1
.equ MAP_PRIVATE, 2
.equ MAP_SHARED_VALIDATE, 3
.equ MAP_TYPE, 0x0f
.equ MAP_FIXED, 0x10
.equ MAP_ANONYMOUS, 0x20
.equ MAP_FIXED_NOREPLACE, 0x100000
# Linux's mmap_min_addr default: nothing may be mapped in the first 64 KiB (NULL-dereference exploits).
.equ MMAP_MIN_ADDR, 0x10000
# When P=0, bit 8 (the GLOBAL bit's place) marks a PROT_NONE page that still owns its frame (Linux's _PAGE_PROTNONE).
.equ _PAGE_PROTNONE, 1 << 8

# ---- time and randomness ----------------------------------------------------------------------------
.equ CLOCK_REALTIME, 0
.equ CLOCK_MONOTONIC, 1
.equ CLOCK_MONOTONIC_RAW, 4
.equ CLOCK_REALTIME_COARSE, 5
.equ CLOCK_MONOTONIC_COARSE, 6
.equ CLOCK_BOOTTIME, 7
.equ NSEC_PER_SEC, 1000000000
.equ GRND_NONBLOCK, 1
.equ GRND_RANDOM, 2
.equ GRND_INSECURE, 4
.equ MAX_RW_COUNT, 0x7ffff000

# ---- the SYSCALL_DEFINEn shape ------------------------------------------------------------------------
# PARTB_SYSCALL_DEFINE name, t1..t6 emits the two outer layers of arch/x86/include/asm/syscall_wrapper.h:
#   __x64_sys_<name>(regs): the only layer that reads pt_regs; it moves the user's arguments
#     (di, si, dx, r10, r8, r9 -- r10 because SYSCALL overwrote rcx) into the C registers.
#   __se_sys_<name>(long...): casts each long to its declared type, so stale upper halves of
#     registers never reach the body (int: sign-extend the low 32 bits, uint: zero-extend).
# then calls the body the file writes by hand: __do_sys_<name>.
.macro __PARTB_SC_CAST reg64, reg32, type
.ifc \type,int
	movslq	\reg32, \reg64
.endif
.ifc \type,uint
	movl	\reg32, \reg32
.endif
.endm

.macro PARTB_SYSCALL_DEFINE name, t1=long, t2=long, t3=long, t4=long, t5=long, t6=long
SYM_FUNC_START __x64_sys_\name
	movq	pt_regs_r9(%rdi), %r9
	movq	pt_regs_r8(%rdi), %r8
	movq	pt_regs_r10(%rdi), %rcx
	movq	pt_regs_dx(%rdi), %rdx
	movq	pt_regs_si(%rdi), %rsi
	movq	pt_regs_di(%rdi), %rdi
	call	__se_sys_\name
	ret
SYM_FUNC_END __x64_sys_\name
SYM_FUNC_START_LOCAL __se_sys_\name
	__PARTB_SC_CAST %rdi, %edi, \t1
	__PARTB_SC_CAST %rsi, %esi, \t2
	__PARTB_SC_CAST %rdx, %edx, \t3
	__PARTB_SC_CAST %rcx, %ecx, \t4
	__PARTB_SC_CAST %r8, %r8d, \t5
	__PARTB_SC_CAST %r9, %r9d, \t6
	call	__do_sys_\name
	ret
SYM_FUNC_END __se_sys_\name
.endm

# SYSCALL_DEFINE0: no arguments, so __x64_sys_<name> is the body itself (Linux aliases them).
.macro PARTB_SYSCALL_DEFINE0 name
SYM_FUNC_START __x64_sys_\name
.endm
