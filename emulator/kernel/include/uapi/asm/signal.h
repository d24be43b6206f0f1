# arch/x86/include/uapi/asm/signal.h, include/uapi/asm-generic/signal-defs.h -- signal numbers,
# sigaction flags and the layout of struct sigaction as rt_sigaction(2) takes it.
# (siginfo_t and the si_code values: include/uapi/asm-generic/siginfo.h.)

.equ SIGHUP,	1
.equ SIGINT,	2
.equ SIGQUIT,	3
.equ SIGILL,	4
.equ SIGTRAP,	5
.equ SIGABRT,	6
.equ SIGBUS,	7
.equ SIGFPE,	8
.equ SIGKILL,	9
.equ SIGUSR1,	10
.equ SIGSEGV,	11
.equ SIGUSR2,	12
.equ SIGPIPE,	13
.equ SIGALRM,	14
.equ SIGTERM,	15
.equ SIGSTKFLT,	16
.equ SIGCHLD,	17
.equ SIGCONT,	18
.equ SIGSTOP,	19
.equ SIGTSTP,	20
.equ SIGTTIN,	21
.equ SIGTTOU,	22
.equ SIGURG,	23
.equ SIGXCPU,	24
.equ SIGXFSZ,	25
.equ SIGVTALRM,	26
.equ SIGPROF,	27
.equ SIGWINCH,	28
.equ SIGIO,	29
.equ SIGPWR,	30
.equ SIGSYS,	31
.equ _NSIG,	64

# Special handlers and sigprocmask's `how`.
.equ SIG_DFL,		0	# the default action
.equ SIG_IGN,		1	# ignore
.equ SIG_BLOCK,		0
.equ SIG_UNBLOCK,	1
.equ SIG_SETMASK,	2

# sa_flags
.equ SA_SIGINFO,	0x00000004	# the handler takes (sig, siginfo_t *, ucontext *)
.equ SA_RESTORER,	0x04000000	# sa_restorer is valid: libc's stub that calls rt_sigreturn
.equ SA_ONSTACK,	0x08000000
.equ SA_RESTART,	0x10000000	# restart an interrupted syscall instead of -EINTR
.equ SA_NODEFER,	0x40000000	# do not block the signal while its handler runs
.equ SA_RESETHAND,	0x80000000	# back to SIG_DFL once delivered

# stack_t.ss_flags (include/uapi/linux/signal.h)
.equ SS_DISABLE,	2

# struct sigaction as x86-64 user space passes it to rt_sigaction (the kernel's k_sigaction.sa).
.equ KSA_handler,	0
.equ KSA_flags,		8
.equ KSA_restorer,	16
.equ KSA_mask,		24
.equ KSA_SIZE,		32
