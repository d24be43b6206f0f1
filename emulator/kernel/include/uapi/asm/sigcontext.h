# arch/x86/include/uapi/asm/sigcontext.h -- struct sigcontext (64-bit): the registers a signal
# frame saves and rt_sigreturn restores. 256 bytes.

.equ SC_r8,		0
.equ SC_r9,		8
.equ SC_r10,		16
.equ SC_r11,		24
.equ SC_r12,		32
.equ SC_r13,		40
.equ SC_r14,		48
.equ SC_r15,		56
.equ SC_di,		64
.equ SC_si,		72
.equ SC_bp,		80
.equ SC_bx,		88
.equ SC_dx,		96
.equ SC_ax,		104
.equ SC_cx,		112
.equ SC_sp,		120
.equ SC_ip,		128
.equ SC_flags,		136
.equ SC_cs,		144	# u16, then gs, fs, ss (u16 each)
.equ SC_ss,		150
.equ SC_err,		152
.equ SC_trapno,		160
.equ SC_oldmask,	168
.equ SC_cr2,		176
.equ SC_fpstate,	184	# NULL here: this kernel keeps no FPU state (see kernel/signal.S)
.equ SIGCONTEXT_SIZE,	256
