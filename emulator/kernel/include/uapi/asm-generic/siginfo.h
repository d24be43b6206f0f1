# include/uapi/asm-generic/siginfo.h -- siginfo_t, what a signal carries, and the si_code values.

# siginfo_t (128 bytes): three ints, then a union at 16 whose shape depends on the signal.
.equ SI_signo,		0
.equ SI_errno,		4
.equ SI_code,		8
.equ SI_pid,		16	# kill: the sender
.equ SI_uid,		20
.equ SI_addr,		16	# faults: the address
.equ SI_call_addr,	16	# SIGSYS: the instruction after the syscall
.equ SI_syscall,	24
.equ SI_arch,		28
.equ SIGINFO_SIZE,	128

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
