# arch/x86/include/uapi/asm/bootparam.h -- what the boot loader hands the kernel.
#
# Ours is the RINGSTEP machine's boot_params page (emulator/machine/BOOT.md), at the physical
# address 0x7000; startup_64 receives its direct-map address in RSI, as Linux does.

.equ BOOT_PARAMS_MAGIC,		0x50455453474e4952	# "RINGSTEP" in little-endian bytes
.equ BP_magic,			0x00
.equ BP_user_entry,		0x08	# the program's entry point
.equ BP_user_sp,		0x10	# initial user RSP (points at argc)
.equ BP_brk_start,		0x18
.equ BP_mitigations,		0x20	# X86_FEATURE_* bits, see include/asm/cpufeatures.h
.equ BP_seed,			0x28
.equ BP_phys_free_start,	0x30
.equ BP_phys_free_end,		0x38
.equ BP_files,			0x40	# array of struct boot_file (direct-map address)
.equ BP_files_count,		0x48
.equ BP_pgd_phys,		0x50	# the first process's PGD pair
.equ BP_traced,			0x58	# 1: report syscalls to the tracer (strace)
.equ BP_page_offset_base,	0x60
.equ BP_mmap_base,		0x68
.equ BP_stack_lowest,		0x70	# lowest mapped user stack address
.equ BP_pid,			0x78

# struct boot_file (one per file the machine supplies)
.equ BOOT_FILE_path,		0
.equ BOOT_FILE_path_len,	8
.equ BOOT_FILE_data,		16
.equ BOOT_FILE_data_len,	24
.equ BOOT_FILE_SIZE,		32
