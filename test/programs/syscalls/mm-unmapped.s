# munmap, then touch the page: SIGSEGV with SEGV_MAPERR (exit 139)

        .set SYS_write, 1
        .set SYS_mmap, 9
        .set SYS_mprotect, 10
        .set SYS_munmap, 11
        .set SYS_exit_group, 231
        .set FIXED_AT, 0x10000000

        .text
        .globl _start
_start:
        movl    $SYS_mmap, %eax                 # mmap(FIXED_AT, 4096, RW, PRIVATE|ANON|FIXED, -1, 0)
        movl    $FIXED_AT, %edi
        movl    $4096, %esi
        movl    $3, %edx
        movl    $0x32, %r10d
        movq    $-1, %r8
        xorl    %r9d, %r9d
        syscall
        cmpq    $FIXED_AT, %rax
        jne     fail
        movl    $FIXED_AT, %ebx
        movq    $42, (%rbx)
        movl    $SYS_munmap, %eax               # munmap(FIXED_AT, 4096) = 0
        movl    $FIXED_AT, %edi
        movl    $4096, %esi
        syscall
        testq   %rax, %rax
        jnz     fail
        movl    $FIXED_AT+8, %ebx
        movq    (%rbx), %rax                    # no mapping: SEGV_MAPERR at FIXED_AT+8
        movl    $SYS_write, %eax                # not reached
        movl    $1, %edi
        leaq    msg(%rip), %rsi
        movl    $msg_len, %edx
        syscall
fail:
        movl    $1, %edi
        movl    $SYS_exit_group, %eax
        syscall

        .section .rodata
msg:    .ascii  "still alive?\n"
        .set    msg_len, . - msg
