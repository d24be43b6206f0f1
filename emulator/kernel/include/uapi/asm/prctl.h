# arch/x86/include/uapi/asm/prctl.h -- arch_prctl(2) codes: the FS and GS bases (thread-local
# storage lives at FS.base).

.equ ARCH_SET_GS,	0x1001
.equ ARCH_SET_FS,	0x1002
.equ ARCH_GET_FS,	0x1003
.equ ARCH_GET_GS,	0x1004
