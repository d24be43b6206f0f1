# arch/x86/include/uapi/asm/signal.h, include/uapi/asm-generic/siginfo.h -- signal numbers and
# the si_code values the fault handlers use. (Part B keeps its own signal structures in
# include/partb/.)

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

# si_code values
.equ SI_USER,		0
.equ SI_KERNEL,		0x80
.equ SI_TKILL,		-6
.equ ILL_ILLOPC,	1	# illegal opcode
.equ ILL_ILLOPN,	2	# illegal operand
.equ FPE_INTDIV,	1	# integer divide by zero
.equ FPE_INTOVF,	2
.equ SEGV_MAPERR,	1	# address not mapped
.equ SEGV_ACCERR,	2	# invalid permissions for mapped object
.equ BUS_ADRERR,	2
.equ TRAP_BRKPT,	1	# breakpoint (int3)
.equ TRAP_TRACE,	2	# single-step
.equ SYS_SECCOMP,	1
