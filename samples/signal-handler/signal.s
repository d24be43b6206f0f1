# signal-handler: kill(getpid(), SIGUSR1) with a handler installed.
# On the way out of kill(), syscall_exit_to_user_mode sees TIF_SIGPENDING and builds an
# rt_sigframe on the user stack; the CPU "returns" into the handler. The handler returns into the
# restorer, which calls rt_sigreturn: the kernel restores every register from the frame and
# leaves through the IRET path (the restored state may not satisfy SYSRET's conditions).

        .set SYS_write, 1
        .set SYS_rt_sigaction, 13
        .set SYS_rt_sigreturn, 15
        .set SYS_getpid, 39
        .set SYS_kill, 62
        .set SYS_exit_group, 231
        .set SIGUSR1, 10
        .set SA_RESTORER, 0x04000000

        .text
        .globl _start
_start:
        # rt_sigaction(SIGUSR1, &act, NULL, 8)
        movl    $SYS_rt_sigaction, %eax
        movl    $SIGUSR1, %edi
        leaq    act(%rip), %rsi
        xorl    %edx, %edx
        movl    $8, %r10d
        syscall
        testq   %rax, %rax
        jnz     bad

        movl    $SYS_getpid, %eax
        syscall
        movq    %rax, %rdi
        movl    $SYS_kill, %eax         # kill(getpid(), SIGUSR1)
        movl    $SIGUSR1, %esi
        syscall

        cmpb    $1, handled(%rip)       # the handler ran before kill() "returned"
        jne     bad
        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    back(%rip), %rsi
        movl    $back_len, %edx
        syscall
        xorl    %edi, %edi
        jmp     out
bad:
        movl    $1, %edi
out:
        movl    $SYS_exit_group, %eax
        syscall

handler:                                # void handler(int sig) -- sig in %edi
        movb    $1, handled(%rip)
        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    inmsg(%rip), %rsi
        movl    $inmsg_len, %edx
        syscall
        ret                             # into restore_rt

restore_rt:
        movl    $SYS_rt_sigreturn, %eax
        syscall

        .data
        .balign 8
# struct kernel_sigaction { handler; flags; restorer; mask }
act:    .quad   handler
        .quad   SA_RESTORER
        .quad   restore_rt
        .quad   0
handled: .byte  0

        .section .rodata
inmsg:  .ascii  "in the SIGUSR1 handler\n"
        .set    inmsg_len, . - inmsg
back:   .ascii  "back from rt_sigreturn\n"
        .set    back_len, . - back
