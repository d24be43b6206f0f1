# include/uapi/asm-generic/mman-common.h, include/uapi/linux/mman.h -- mmap(2) and mprotect(2)
# protections and flags.

.equ PROT_NONE,		0
.equ PROT_READ,		1
.equ PROT_WRITE,	2
.equ PROT_EXEC,		4
.equ PROT_SEM,		8
.equ PROT_GROWSDOWN,	0x01000000
.equ PROT_GROWSUP,	0x02000000

.equ MAP_SHARED,		1
.equ MAP_PRIVATE,		2
.equ MAP_SHARED_VALIDATE,	3	# MAP_SHARED, but unknown flags are an error
.equ MAP_TYPE,			0x0f	# the sharing type is this field
.equ MAP_FIXED,			0x10
.equ MAP_ANONYMOUS,		0x20
.equ MAP_FIXED_NOREPLACE,	0x100000
