# include/uapi/linux/filter.h -- classic BPF programs as user space hands them over
# (struct sock_fprog of struct sock_filter), and their limits.

# struct sock_fprog
.equ FPROG_len,		0	# u16: number of instructions
.equ FPROG_filter,	8	# struct sock_filter *
# struct sock_filter: u16 code, u8 jt, u8 jf, u32 k
.equ SOCK_FILTER_SIZE,	8

.equ BPF_MAXINSNS,	4096
.equ BPF_MEMWORDS,	16	# scratch memory M[0..15]

# BPF_MISC operations
.equ BPF_TAX,		0x00
.equ BPF_TXA,		0x80
