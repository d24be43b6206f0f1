# arch/x86/include/asm/sigframe.h -- struct rt_sigframe, what a signal pushes on the user stack:
# the return address (the restorer), then the ucontext, then the siginfo.
# Needs: include/uapi/asm/ucontext.h, include/uapi/asm-generic/siginfo.h

.equ RTF_pretcode,	0
.equ RTF_uc,		8
.equ RTF_info,		RTF_uc + UCONTEXT_SIZE
.equ RT_SIGFRAME_SIZE,	RTF_info + SIGINFO_SIZE
