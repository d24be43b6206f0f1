# include/linux/signal.h, include/linux/signal_types.h -- the kernel's own view of signals:
# which signals it reserves and what each one does by default. sigmask(sig) is bit sig-1.

# SIGKILL and SIGSTOP can never be blocked, caught or ignored.
.equ SIG_KERNEL_ONLY_MASK, (1 << (SIGKILL-1)) | (1 << (SIGSTOP-1))
# Default action "dump core" (then terminate).
.equ SIG_KERNEL_COREDUMP_MASK, (1 << (SIGQUIT-1)) | (1 << (SIGILL-1)) | (1 << (SIGTRAP-1)) | (1 << (SIGABRT-1)) | (1 << (SIGFPE-1)) | (1 << (SIGSEGV-1)) | (1 << (SIGBUS-1)) | (1 << (SIGSYS-1)) | (1 << (SIGXCPU-1)) | (1 << (SIGXFSZ-1))
# Default action "do nothing".
.equ SIG_KERNEL_IGNORE_MASK, (1 << (SIGCHLD-1)) | (1 << (SIGCONT-1)) | (1 << (SIGURG-1)) | (1 << (SIGWINCH-1))
# Stop signals: with no job control in this kernel they are ignored, as Linux ignores them for an
# orphaned process group.
.equ SIG_KERNEL_STOP_MASK, (1 << (SIGSTOP-1)) | (1 << (SIGTSTP-1)) | (1 << (SIGTTIN-1)) | (1 << (SIGTTOU-1))

# Kernel-only sa_flags bit: a forced fatal signal that neither a handler nor a tracer may intercept.
.equ SA_IMMUTABLE, 0x00800000
