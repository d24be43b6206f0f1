# include/uapi/linux/prctl.h -- prctl(2) options this kernel implements.

.equ PR_GET_SECCOMP,		21
.equ PR_SET_SECCOMP,		22
.equ PR_SET_NO_NEW_PRIVS,	38	# required before an unprivileged seccomp filter
.equ PR_GET_NO_NEW_PRIVS,	39
