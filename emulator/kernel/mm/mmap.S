# mm/mmap.c, mm/mprotect.c, mm/page_alloc.c (in miniature) -- brk, mmap, munmap, mprotect.
#
# Differences from Linux, on purpose: pages are allocated when mapped, not on first touch (no
# demand paging), so the page tables themselves record what is mapped -- there is no VMA tree. A
# PROT_NONE page keeps its frame in a not-present PTE marked _PAGE_PROTNONE, the trick Linux uses
# too. Only anonymous private memory exists.
#
# PTI: each process has a kernel PGD and a user PGD. Their user-half PML4 entries point at the
# same PUD pages, so any change below the PML4 shows in both; only a brand-new PML4 entry must be
# written twice.

.include "include/generated/asm-offsets.h"
.include "include/linux/linkage.h"
.include "include/asm/page_types.h"
.include "include/uapi/asm/errno.h"
.include "include/uapi/asm/bootparam.h"
.include "include/uapi/asm-generic/siginfo.h"
.include "include/uapi/asm-generic/mman-common.h"
.include "include/asm/syscall_wrapper.h"

# Linux's default mmap_min_addr: nothing may be mapped in the first 64 KiB, so a kernel NULL
# dereference can never reach user-controlled memory.
.equ MMAP_MIN_ADDR, 0x10000
# The permission bits of intermediate entries are the loosest; the leaf PTE decides.
.equ _PAGE_TABLE, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED

	.text

# ---- page allocator -----------------------------------------------------------------------------

# alloc_pages_exact(size = rdi) -> rax = direct-map address of zeroed, physically contiguous pages
# (0 when memory is exhausted). A bump allocator over boot_params' free range; single pages
# freed by munmap/brk come back through free_page's list first.
SYM_FUNC_START alloc_pages_exact
	addq	$PAGE_SIZE - 1, %rdi
	shrq	$PAGE_SHIFT, %rdi		# pages
	cmpq	$1, %rdi
	jne	1f
	movq	free_page_list(%rip), %rax	# one page: reuse a freed one if any
	testq	%rax, %rax
	jz	1f
	movq	(%rax), %rcx
	movq	%rcx, free_page_list(%rip)
	jmp	.Lap_zero
1:	movq	page_alloc_next(%rip), %rax
	testq	%rax, %rax
	jnz	2f
	# first use: take the range the machine left free
	movq	boot_params_ptr(%rip), %rcx
	movq	BP_phys_free_start(%rcx), %rax
	movq	BP_phys_free_end(%rcx), %rdx
	movq	%rdx, page_alloc_end(%rip)
2:	movq	%rdi, %rcx
	shlq	$PAGE_SHIFT, %rcx
	addq	%rax, %rcx
	cmpq	page_alloc_end(%rip), %rcx
	ja	.Lap_oom
	movq	%rcx, page_alloc_next(%rip)
	__va	%rax, %rcx
.Lap_zero:
	pushq	%rax
	movq	%rax, %rdx
	movq	%rdi, %rcx
	shlq	$PAGE_SHIFT - 3, %rcx
	movq	%rdx, %rdi
	xorl	%eax, %eax
	rep stosq
	popq	%rax
	ret
.Lap_oom:
	xorl	%eax, %eax
	ret
SYM_FUNC_END alloc_pages_exact

# get_zeroed_page() -> rax = direct-map address of one zeroed page, or 0
SYM_FUNC_START get_zeroed_page
	movl	$PAGE_SIZE, %edi
	jmp	alloc_pages_exact
SYM_FUNC_END get_zeroed_page

# free_page(addr = rdi): a direct-map page back on the free list (its first word links it).
SYM_FUNC_START free_page
	movq	free_page_list(%rip), %rax
	movq	%rax, (%rdi)
	movq	%rdi, free_page_list(%rip)
	ret
SYM_FUNC_END free_page

# ---- page-table walk ----------------------------------------------------------------------------

# lookup_user_pte(addr = rdi, create = esi) -> rax = direct-map address of addr's PTE, or 0
# (not mapped and !create, or out of memory). Missing levels are allocated when `create`.
SYM_FUNC_START lookup_user_pte
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rdi, %r12
	movl	%esi, %r13d
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_mm_pgd(%rax), %rbx		# physical PGD pair
	__va	%rbx, %rcx			# rbx = kernel PGD (virtual); user PGD = rbx + 4096
	movl	$39, %r14d			# shift of the current level's index
.Lwalk_level:
	movq	%r12, %rax
	movl	%r14d, %ecx
	shrq	%cl, %rax
	andl	$511, %eax
	leaq	(%rbx,%rax,8), %rdx		# rdx = &entry
	cmpl	$12, %r14d
	je	.Lwalk_found			# rdx is the PTE itself
	movq	(%rdx), %rax
	testq	$_PAGE_PRESENT, %rax
	jnz	.Lwalk_down
	testl	%r13d, %r13d
	jz	.Lwalk_none
	pushq	%rdx
	call	get_zeroed_page
	popq	%rdx
	testq	%rax, %rax
	jz	.Lwalk_none
	__pa	%rax, %rcx
	orq	$_PAGE_TABLE, %rax
	movq	%rax, (%rdx)
	cmpl	$39, %r14d
	jne	.Lwalk_down
	# A new PML4 entry: the user PGD (the other half of the pair) needs it too.
	movq	%rax, PAGE_SIZE(%rdx)
.Lwalk_down:
	movq	(%rdx), %rbx
	movabsq	$PTE_PFN_MASK, %rcx
	andq	%rcx, %rbx
	__va	%rbx, %rcx
	subl	$9, %r14d
	jmp	.Lwalk_level
.Lwalk_found:
	movq	%rdx, %rax
	jmp	.Lwalk_out
.Lwalk_none:
	xorl	%eax, %eax
.Lwalk_out:
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END lookup_user_pte

# pte_is_mapped(addr = rdi) -> eax = 1 if a page (possibly PROT_NONE) is mapped at addr
SYM_FUNC_START_LOCAL pte_is_mapped
	xorl	%esi, %esi
	call	lookup_user_pte
	testq	%rax, %rax
	jz	1f
	testq	$_PAGE_PRESENT | _PAGE_PROTNONE, (%rax)
	setnz	%al
	movzbl	%al, %eax
1:	ret
SYM_FUNC_END pte_is_mapped

# range_is_free(start = rdi, end = rsi) -> eax = 1 if no page in [start, end) is mapped
SYM_FUNC_START_LOCAL range_is_free
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %rbx
	movq	%rsi, %r12
1:	cmpq	%r12, %rbx
	jae	2f
	movq	%rbx, %rdi
	call	pte_is_mapped
	testl	%eax, %eax
	jnz	3f
	addq	$PAGE_SIZE, %rbx
	jmp	1b
2:	movl	$1, %eax
	jmp	4f
3:	xorl	%eax, %eax
4:	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END range_is_free

# prot_to_pte(prot = edi) -> rax = leaf flags: x86 cannot express write-only or exec-only, so
# any access implies read; no PROT_EXEC means NX; PROT_NONE is not-present + PROTNONE.
SYM_FUNC_START_LOCAL prot_to_pte
	testl	$PROT_READ | PROT_WRITE | PROT_EXEC, %edi
	jnz	1f
	movl	$_PAGE_PROTNONE, %eax
	ret
1:	movl	$_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY, %eax
	testl	$PROT_WRITE, %edi
	jz	2f
	orl	$_PAGE_RW, %eax
2:	testl	$PROT_EXEC, %edi
	jnz	3f
	btsq	$63, %rax			# _PAGE_NX
3:	ret
SYM_FUNC_END prot_to_pte

# map_anon_range(start = rdi, end = rsi, prot = edx) -> rax = 0 or -ENOMEM (undone on failure)
SYM_FUNC_START_LOCAL map_anon_range
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %rbx
	movq	%rdi, %r15
	movq	%rsi, %r12
	movl	%edx, %edi
	call	prot_to_pte
	movq	%rax, %r13
1:	cmpq	%r12, %rbx
	jae	2f
	movq	%rbx, %rdi
	movl	$1, %esi
	call	lookup_user_pte
	testq	%rax, %rax
	jz	3f
	movq	%rax, %r14
	call	get_zeroed_page
	testq	%rax, %rax
	jz	3f
	__pa	%rax, %rcx
	orq	%r13, %rax
	movq	%rax, (%r14)
	invlpg	(%rbx)
	addq	$PAGE_SIZE, %rbx
	jmp	1b
2:	xorl	%eax, %eax
	jmp	4f
3:	movq	%r15, %rdi
	movq	%rbx, %rsi
	call	unmap_range
	movq	$-ENOMEM, %rax
4:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END map_anon_range

# unmap_range(start = rdi, end = rsi): clear each PTE, flush its TLB entry, and give frames that
# came from our allocator back to it. (Frames of the loaded program are just dropped.)
SYM_FUNC_START_LOCAL unmap_range
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %rbx
	movq	%rsi, %r12
1:	cmpq	%r12, %rbx
	jae	3f
	movq	%rbx, %rdi
	xorl	%esi, %esi
	call	lookup_user_pte
	testq	%rax, %rax
	jz	2f
	movq	(%rax), %rdi
	testq	$_PAGE_PRESENT | _PAGE_PROTNONE, %rdi
	jz	2f
	movq	$0, (%rax)
	# invlpg: the CPU may still hold the old translation. PTI's user PGD shares these lower
	# tables, and the CR3 switch back to user space flushes that view.
	invlpg	(%rbx)
	movabsq	$PTE_PFN_MASK, %rcx
	andq	%rcx, %rdi
	movq	boot_params_ptr(%rip), %rcx
	cmpq	BP_phys_free_start(%rcx), %rdi
	jb	2f
	cmpq	BP_phys_free_end(%rcx), %rdi
	jae	2f
	__va	%rdi, %rcx
	call	free_page
2:	addq	$PAGE_SIZE, %rbx
	jmp	1b
3:	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END unmap_range

# ---- brk(2) ------------------------------------------------------------------------------------

# __do_sys_brk(brk) -> the new break, or the old one when the request cannot be met. brk never
# returns an error code: the caller compares the result with what it asked for.
SYSCALL_DEFINE1 brk, ulong, brk
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%gs:PCPU_current_task, %r13
	movq	%rdi, %rbx
	cmpq	$0, TASK_mm_brk(%r13)
	jnz	1f
	movq	TASK_mm_start_brk(%r13), %rax	# first call: the break starts at start_brk
	movq	%rax, TASK_mm_brk(%r13)
1:	cmpq	TASK_mm_start_brk(%r13), %rbx
	jb	.Lbrk_out			# brk(0) and anything below start_brk: a query
	movabsq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %rbx
	jae	.Lbrk_out
	leaq	PAGE_SIZE - 1(%rbx), %rdi
	andq	$PAGE_MASK, %rdi		# newbrk (page aligned)
	movq	TASK_mm_brk(%r13), %rsi
	addq	$PAGE_SIZE - 1, %rsi
	andq	$PAGE_MASK, %rsi		# oldbrk (page aligned)
	cmpq	%rsi, %rdi
	je	.Lbrk_set
	ja	.Lbrk_grow
	# shrinking: unmap [newbrk, oldbrk)
	call	unmap_range
	jmp	.Lbrk_set
.Lbrk_grow:
	movq	%rdi, %r12
	# check_brk_limits / find_vma_intersection: growing into an existing mapping fails
	movq	%rsi, %rdi
	movq	%r12, %rsi
	pushq	%rdi
	call	range_is_free
	popq	%rdi
	testl	%eax, %eax
	jz	.Lbrk_out
	movq	%r12, %rsi
	movl	$PROT_READ | PROT_WRITE, %edx
	call	map_anon_range
	testq	%rax, %rax
	jnz	.Lbrk_out
.Lbrk_set:
	movq	%rbx, TASK_mm_brk(%r13)
.Lbrk_out:
	movq	TASK_mm_brk(%r13), %rax
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END brk

# ---- mmap(2) -----------------------------------------------------------------------------------

# __do_sys_mmap(addr, len, prot, flags, fd, off) -> the address, or -errno
SYSCALL_DEFINE6 mmap, ulong, addr, ulong, len, ulong, prot, ulong, flags, ulong, fd, ulong, off
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %rbx			# addr
	movq	%rsi, %r12			# len
	movl	%edx, %r13d			# prot
	movl	%ecx, %r14d			# flags
	# x86-64 sys_mmap: the offset must be page aligned.
	testq	$PAGE_SIZE - 1, %r9
	jnz	.Lmm_einval
	# ksys_mmap_pgoff: only anonymous memory here; a file mapping would need the page cache.
	testl	$MAP_ANONYMOUS, %r14d
	jnz	1f
	movq	$-EBADF, %rax
	testl	%r8d, %r8d
	js	.Lmm_out
	movq	$-ENODEV, %rax
	jmp	.Lmm_out
1:	# do_mmap
	testq	%r12, %r12
	jz	.Lmm_einval
	addq	$PAGE_SIZE - 1, %r12
	jc	.Lmm_enomem
	andq	$PAGE_MASK, %r12
	movl	%r14d, %eax
	andl	$MAP_TYPE, %eax
	cmpl	$MAP_PRIVATE, %eax
	je	2f
	cmpl	$MAP_SHARED, %eax		# with one process, shared anonymous memory is private
	je	2f
	cmpl	$MAP_SHARED_VALIDATE, %eax
	jne	.Lmm_einval
2:	movabsq	$TASK_SIZE_MAX, %r15
	cmpq	%r15, %r12
	ja	.Lmm_enomem
	testl	$MAP_FIXED | MAP_FIXED_NOREPLACE, %r14d
	jz	.Lmm_hint
	# MAP_FIXED: exactly here, replacing whatever was mapped (NOREPLACE: refuse instead).
	testq	$PAGE_SIZE - 1, %rbx
	jnz	.Lmm_einval
	movq	%r15, %rax
	subq	%r12, %rax
	cmpq	%rax, %rbx
	ja	.Lmm_enomem
	cmpq	$MMAP_MIN_ADDR, %rbx
	jb	.Lmm_eperm
	movq	%rbx, %rdi
	leaq	(%rbx,%r12), %rsi
	call	range_is_free
	testl	%eax, %eax
	jnz	.Lmm_map
	testl	$MAP_FIXED_NOREPLACE, %r14d
	jnz	.Lmm_eexist
	movq	%rbx, %rdi
	leaq	(%rbx,%r12), %rsi
	call	unmap_range
	jmp	.Lmm_map
.Lmm_hint:
	# A hint is taken if it is free; otherwise search top-down below mmap_base.
	andq	$PAGE_MASK, %rbx
	jz	.Lmm_search
	cmpq	$MMAP_MIN_ADDR, %rbx
	jb	.Lmm_search
	movq	%r15, %rax
	subq	%r12, %rax
	cmpq	%rax, %rbx
	ja	.Lmm_search
	movq	%rbx, %rdi
	leaq	(%rbx,%r12), %rsi
	call	range_is_free
	testl	%eax, %eax
	jnz	.Lmm_map
.Lmm_search:
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_mm_mmap_base(%rax), %rbx
	subq	%r12, %rbx			# highest candidate
3:	cmpq	$MMAP_MIN_ADDR, %rbx
	jb	.Lmm_enomem
	movq	%rbx, %rdi
	leaq	(%rbx,%r12), %rsi
	call	range_is_free
	testl	%eax, %eax
	jnz	.Lmm_map
	subq	$PAGE_SIZE, %rbx
	jmp	3b
.Lmm_map:
	movq	%rbx, %rdi
	leaq	(%rbx,%r12), %rsi
	movl	%r13d, %edx
	call	map_anon_range
	testq	%rax, %rax
	jnz	.Lmm_out
	movq	%rbx, %rax
	jmp	.Lmm_out
.Lmm_einval:
	movq	$-EINVAL, %rax
	jmp	.Lmm_out
.Lmm_enomem:
	movq	$-ENOMEM, %rax
	jmp	.Lmm_out
.Lmm_eperm:
	movq	$-EPERM, %rax
	jmp	.Lmm_out
.Lmm_eexist:
	movq	$-EEXIST, %rax
.Lmm_out:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END mmap

# ---- munmap(2) ----------------------------------------------------------------------------------

# __do_sys_munmap(addr, len): unmapping nothing is not an error; a misaligned or empty range is.
SYSCALL_DEFINE2 munmap, ulong, addr, size_t, len
	testq	$PAGE_SIZE - 1, %rdi
	jnz	1f
	testq	%rsi, %rsi
	jz	1f
	addq	$PAGE_SIZE - 1, %rsi
	andq	$PAGE_MASK, %rsi
	movabsq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %rsi
	ja	1f
	subq	%rsi, %rax
	cmpq	%rax, %rdi
	ja	1f
	addq	%rdi, %rsi
	call	unmap_range
	xorl	%eax, %eax
	ret
1:	movq	$-EINVAL, %rax
	ret
SYSCALL_END munmap

# ---- mprotect(2) --------------------------------------------------------------------------------

# __do_sys_mprotect(start, len, prot): every page of the range must be mapped (else -ENOMEM);
# then each PTE gets the new rights and its TLB entry is flushed -- a stale writable translation
# would defeat the point of making the page read-only.
SYSCALL_DEFINE3 mprotect, ulong, start, size_t, len, ulong, prot
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	testq	$PAGE_SIZE - 1, %rdi
	jnz	.Lmp_einval
	testl	$~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP), %edx
	jnz	.Lmp_einval
	movq	%rdx, %rax			# prot is an unsigned long: no bits above 31 either
	shrq	$32, %rax
	jnz	.Lmp_einval
	movq	%rdi, %rbx
	addq	$PAGE_SIZE - 1, %rsi
	andq	$PAGE_MASK, %rsi
	jz	.Lmp_ok				# len 0: nothing to do
	leaq	(%rbx,%rsi), %r12		# end
	cmpq	%rbx, %r12
	jbe	.Lmp_enomem
	movl	%edx, %edi
	call	prot_to_pte
	movq	%rax, %r13
	# first pass: all mapped?
	movq	%rbx, %rdi
1:	cmpq	%r12, %rdi
	jae	2f
	pushq	%rdi
	call	pte_is_mapped
	popq	%rdi
	testl	%eax, %eax
	jz	.Lmp_enomem
	addq	$PAGE_SIZE, %rdi
	jmp	1b
2:	# second pass: rewrite the flags, keep the frame
	cmpq	%r12, %rbx
	jae	.Lmp_ok
	movq	%rbx, %rdi
	xorl	%esi, %esi
	call	lookup_user_pte
	movq	(%rax), %rcx
	movabsq	$PTE_PFN_MASK, %rdx
	andq	%rdx, %rcx
	orq	%r13, %rcx
	movq	%rcx, (%rax)
	invlpg	(%rbx)
	addq	$PAGE_SIZE, %rbx
	jmp	2b
.Lmp_ok:
	xorl	%eax, %eax
	jmp	.Lmp_out
.Lmp_einval:
	movq	$-EINVAL, %rax
	jmp	.Lmp_out
.Lmp_enomem:
	movq	$-ENOMEM, %rax
.Lmp_out:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END mprotect

# ---- for the page-fault handler ---------------------------------------------------------------------

# user_fault_si_code(addr = rdi) -> eax = SEGV_ACCERR if a page is mapped there but the access
# broke its rights, SEGV_MAPERR if nothing is mapped (Linux: no VMA). Kernel addresses have no
# VMA, so a user read of kernel memory is MAPERR even though the page exists.
SYM_FUNC_START user_fault_si_code
	movabsq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %rdi
	jae	1f
	call	pte_is_mapped
	testl	%eax, %eax
	jz	1f
	movl	$SEGV_ACCERR, %eax
	ret
1:	movl	$SEGV_MAPERR, %eax
	ret
SYM_FUNC_END user_fault_si_code

	.bss
	.balign 8
page_alloc_next:	.skip 8		# physical address of the next never-used page
page_alloc_end:		.skip 8
free_page_list:		.skip 8		# direct-map address of the first freed page
