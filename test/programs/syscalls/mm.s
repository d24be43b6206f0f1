# Memory syscalls: brk (query, grow, shrink), anonymous private mmap (written and read back),
# MAP_FIXED at a fixed address, munmap, mprotect, and their error paths. Addresses the host
# chooses (the heap start, mmap(NULL, ...)) are checked for shape, not printed.

        .set SYS_write, 1
        .set SYS_mmap, 9
        .set SYS_mprotect, 10
        .set SYS_munmap, 11
        .set SYS_brk, 12
        .set SYS_exit_group, 231
        .set PROT_NONE, 0
        .set PROT_READ, 1
        .set PROT_WRITE, 2
        .set MAP_PRIVATE, 0x02
        .set MAP_FIXED, 0x10
        .set MAP_ANONYMOUS, 0x20
        .set FIXED_AT, 0x10000000
        .set EBADF, 9
        .set ENOMEM, 12
        .set EINVAL, 22

        .include "check.inc"

        # mmap(addr, len, prot, flags, fd, off)
        .macro MMAP addr, len, prot, flags, fd=-1, off=0
        movl    $SYS_mmap, %eax
        movq    $\addr, %rdi
        movq    $\len, %rsi
        movl    $\prot, %edx
        movl    $\flags, %r10d
        movq    $\fd, %r8
        movq    $\off, %r9
        syscall
        .endm

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d

        # ---- brk ----
        movl    $SYS_brk, %eax                  # brk(NULL): the current break
        xorl    %edi, %edi
        syscall
        movq    %rax, %r12
        incl    %r15d
        testl   $0xfff, %r12d                   # page-aligned... not always: just non-zero
        movq    %r12, %rax
        testq   %rax, %rax
        jz      fail
        leaq    0x2000(%r12), %rdi              # grow by two pages
        movl    $SYS_brk, %eax
        syscall
        leaq    0x2000(%r12), %rcx
        incl    %r15d
        cmpq    %rcx, %rax
        jne     fail
        movq    $0x1122334455667788, %rcx       # the new heap is writable
        movq    %rcx, 0x1ff8(%r12)
        cmpq    %rcx, 0x1ff8(%r12)
        jne     fail
        leaq    0x1000(%r12), %rdi              # shrink by one page
        movl    $SYS_brk, %eax
        syscall
        leaq    0x1000(%r12), %rcx
        incl    %r15d
        cmpq    %rcx, %rax
        jne     fail
        movl    $SYS_brk, %eax                  # query again
        xorl    %edi, %edi
        syscall
        leaq    0x1000(%r12), %rcx
        incl    %r15d
        cmpq    %rcx, %rax
        jne     fail
        movl    $SYS_brk, %eax                  # below the start: refused, the break stays
        movl    $0x1000, %edi
        syscall
        leaq    0x1000(%r12), %rcx
        incl    %r15d
        cmpq    %rcx, %rax
        jne     fail
        movl    $SYS_brk, %eax                  # far too high: refused, the break stays
        movabsq $0x7ffffffff000, %rdi
        syscall
        leaq    0x1000(%r12), %rcx
        incl    %r15d
        cmpq    %rcx, %rax
        jne     fail
        PRINT   brk_ok, $brk_ok_len

        # ---- PROT_NONE, then mprotect to read-write ----
        MMAP    FIXED_AT+0x10000, 0x1000, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
        CHECK   FIXED_AT+0x10000
        movl    $SYS_mprotect, %eax
        movl    $FIXED_AT+0x10000, %edi
        movl    $0x1000, %esi
        movl    $PROT_READ|PROT_WRITE, %edx
        syscall
        CHECK   0
        movl    $FIXED_AT+0x10000, %ebx
        movl    $9, 0xffc(%rbx)
        incl    %r15d
        cmpl    $9, 0xffc(%rbx)
        jne     fail
        movl    $SYS_munmap, %eax
        movl    $FIXED_AT+0x10000, %edi
        movl    $0x1000, %esi
        syscall
        CHECK   0

        # ---- mmap(NULL, 8192, RW, PRIVATE|ANON) ----
        MMAP    0, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS
        movq    %rax, %r13
        incl    %r15d
        cmpq    $-4096, %rax                    # not an error
        jae     fail
        incl    %r15d
        testl   $0xfff, %r13d                   # page-aligned
        jnz     fail
        incl    %r15d
        cmpq    $0, 0x1ff8(%r13)                # zero-filled
        jne     fail
        movq    $0x5a5a5a5a5a5a5a5a, %rcx
        movq    %rcx, (%r13)
        movq    %rcx, 0x1ff8(%r13)
        incl    %r15d
        cmpq    %rcx, (%r13)
        jne     fail
        PRINT   mmap_ok, $mmap_ok_len

        # ---- MAP_FIXED at FIXED_AT, three pages ----
        MMAP    FIXED_AT, 0x3000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
        CHECK   FIXED_AT
        movl    $FIXED_AT, %ebx
        movb    $7, 0x2fff(%rbx)
        movl    $SYS_munmap, %eax               # munmap the middle page
        movl    $FIXED_AT+0x1000, %edi
        movl    $0x1000, %esi
        syscall
        CHECK   0
        movl    $SYS_mprotect, %eax             # mprotect across the hole: -ENOMEM
        movl    $FIXED_AT, %edi
        movl    $0x3000, %esi
        movl    $PROT_READ, %edx
        syscall
        CHECK   -ENOMEM
        movl    $SYS_mprotect, %eax             # first page read-only: 0
        movl    $FIXED_AT, %edi
        movl    $0x1000, %esi
        movl    $PROT_READ, %edx
        syscall
        CHECK   0
        movl    $SYS_mprotect, %eax             # unaligned start: -EINVAL
        movl    $FIXED_AT+1, %edi
        movl    $0x1000, %esi
        movl    $PROT_READ, %edx
        syscall
        CHECK   -EINVAL
        movl    $SYS_mprotect, %eax             # bad prot bits: -EINVAL
        movl    $FIXED_AT, %edi
        movl    $0x1000, %esi
        movl    $0x100, %edx
        syscall
        CHECK   -EINVAL
        movl    $FIXED_AT, %ebx
        incl    %r15d
        cmpb    $7, 0x2fff(%rbx)                # the last page kept its data
        jne     fail
        movl    $SYS_munmap, %eax               # munmap an unaligned address: -EINVAL
        movl    $FIXED_AT+1, %edi
        movl    $0x1000, %esi
        syscall
        CHECK   -EINVAL
        movl    $SYS_munmap, %eax               # munmap length 0: -EINVAL
        movl    $FIXED_AT, %edi
        xorl    %esi, %esi
        syscall
        CHECK   -EINVAL
        movl    $SYS_munmap, %eax               # munmap of the hole again: 0 (nothing to do)
        movl    $FIXED_AT+0x1000, %edi
        movl    $0x1000, %esi
        syscall
        CHECK   0
        PRINT   fixed_ok, $fixed_ok_len

        # ---- mmap errors ----
        MMAP    0, 0, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS               # length 0
        CHECK   -EINVAL
        MMAP    FIXED_AT+1, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED   # unaligned fixed
        CHECK   -EINVAL
        MMAP    0, 4096, PROT_READ, MAP_PRIVATE                          # a file mapping of fd -1
        CHECK   -EBADF
        MMAP    0, 4096, PROT_READ, MAP_ANONYMOUS                        # neither shared nor private
        CHECK   -EINVAL
        MMAP    0, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 1    # unaligned offset
        CHECK   -EINVAL
        PRINT   errors_ok, $errors_ok_len

        xorl    %edi, %edi
        movl    $SYS_exit_group, %eax
        syscall
        FAIL_EXIT

        .section .rodata
brk_ok: .ascii  "brk: grew by two pages, shrank by one, refused to go below the start\n"
        .set    brk_ok_len, . - brk_ok
mmap_ok: .ascii "mmap: page-aligned, zero-filled, writable\n"
        .set    mmap_ok_len, . - mmap_ok
fixed_ok: .ascii "MAP_FIXED, munmap, mprotect: as Linux\n"
        .set    fixed_ok_len, . - fixed_ok
errors_ok: .ascii "mmap errors: as Linux\n"
        .set    errors_ok_len, . - errors_ok
