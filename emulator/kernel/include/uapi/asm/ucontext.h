# arch/x86/include/uapi/asm/ucontext.h, include/uapi/asm-generic/ucontext.h -- struct ucontext,
# the third argument of an SA_SIGINFO handler. 304 bytes.
# Needs: include/uapi/asm/sigcontext.h

.equ UC_flags,		0
.equ UC_link,		8
.equ UC_stack,		16	# stack_t: ss_sp, ss_flags (+pad), ss_size
.equ UC_mcontext,	40	# struct sigcontext
.equ UC_sigmask,	UC_mcontext + SIGCONTEXT_SIZE
.equ UCONTEXT_SIZE,	UC_sigmask + 8

# uc_flags: the frame saved SS, and sigreturn must restore it exactly.
.equ UC_SIGCONTEXT_SS,		0x2
.equ UC_STRICT_RESTORE_SS,	0x4
