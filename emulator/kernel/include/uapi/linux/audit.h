# include/uapi/linux/audit.h -- architecture numbers (seccomp_data.arch), so a filter can tell an
# x86-64 syscall number from an i386 one.

.equ AUDIT_ARCH_X86_64,	0xc000003e
