# include/uapi/linux/seccomp.h -- seccomp(2) operations, filter flags, the actions a filter
# returns, and struct seccomp_data (what a filter sees).

.equ SECCOMP_MODE_DISABLED,	0
.equ SECCOMP_MODE_STRICT,	1	# only read, write, exit, rt_sigreturn
.equ SECCOMP_MODE_FILTER,	2	# BPF filters

# seccomp(2) operations
.equ SECCOMP_SET_MODE_STRICT,	0
.equ SECCOMP_SET_MODE_FILTER,	1
.equ SECCOMP_GET_ACTION_AVAIL,	2
.equ SECCOMP_GET_NOTIF_SIZES,	3

# SECCOMP_SET_MODE_FILTER flags
.equ SECCOMP_FILTER_FLAG_TSYNC,			1
.equ SECCOMP_FILTER_FLAG_LOG,			2
.equ SECCOMP_FILTER_FLAG_SPEC_ALLOW,		4
.equ SECCOMP_FILTER_FLAG_NEW_LISTENER,		8
.equ SECCOMP_FILTER_FLAG_TSYNC_ESRCH,		16
.equ SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,	32

# Filter return values: the action in the high 16 bits, data (an errno) in the low 16.
# When filters disagree the numerically lowest action (as a signed value) wins.
.equ SECCOMP_RET_KILL_PROCESS,	0x80000000
.equ SECCOMP_RET_KILL_THREAD,	0x00000000
.equ SECCOMP_RET_TRAP,		0x00030000
.equ SECCOMP_RET_ERRNO,		0x00050000
.equ SECCOMP_RET_USER_NOTIF,	0x7fc00000
.equ SECCOMP_RET_TRACE,		0x7ff00000
.equ SECCOMP_RET_LOG,		0x7ffc0000
.equ SECCOMP_RET_ALLOW,		0x7fff0000
.equ SECCOMP_RET_ACTION_FULL,	0xffff0000
.equ SECCOMP_RET_DATA,		0x0000ffff

# struct seccomp_data
.equ SD_nr,			0	# int
.equ SD_arch,			4	# u32: AUDIT_ARCH_*
.equ SD_instruction_pointer,	8
.equ SD_args,			16	# u64 args[6]
.equ SECCOMP_DATA_SIZE,		64
