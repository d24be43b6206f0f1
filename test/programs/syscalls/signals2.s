# More signal semantics: a SIGSEGV handler that repairs the fault through the ucontext (rip and
# rax), sa_mask holding a second signal back until the first handler returns, SA_RESETHAND,
# SIGKILL that cannot be blocked, and finally SIGKILL to itself (exit status 137).

        .set SYS_write, 1
        .set SYS_rt_sigaction, 13
        .set SYS_rt_sigprocmask, 14
        .set SYS_rt_sigreturn, 15
        .set SYS_getpid, 39
        .set SYS_kill, 62
        .set SYS_exit_group, 231
        .set SIGKILL, 9
        .set SIGUSR1, 10
        .set SIGSEGV, 11
        .set SIGUSR2, 12
        .set SIG_BLOCK, 0
        .set SIG_SETMASK, 2
        .set SA_SIGINFO, 4
        .set SA_RESTORER, 0x04000000
        .set SA_RESETHAND, 0x80000000
        .set UC_RIP, 40 + 16 * 8                # ucontext: uc_mcontext at 40, gregs[REG_RIP = 16]
        .set UC_RAX, 40 + 13 * 8                # gregs[REG_RAX = 13]

        .include "check.inc"

        .macro SIGACTION sig, act, oact
        movl    $SYS_rt_sigaction, %eax
        movl    $\sig, %edi
        \act
        \oact
        movl    $8, %r10d
        syscall
        .endm

        .macro KILL sig
        movl    $SYS_kill, %eax
        movq    %r12, %rdi
        movl    $\sig, %esi
        syscall
        .endm

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d
        movl    $SYS_getpid, %eax
        syscall
        movq    %rax, %r12

        # ---- a SIGSEGV handler repairs the fault ----
        SIGACTION SIGSEGV, "leaq act_segv(%rip), %rsi", "xorl %edx, %edx"
        CHECK   0
        xorl    %ebx, %ebx
        movq    (%rbx), %rax                    # 3 bytes; faults at NULL; the handler skips it
        CHECK   77                              # ... and sets rax = 77
        PRINT   segv_ok, $segv_ok_len

        # ---- sa_mask: SIGUSR2 waits until the SIGUSR1 handler returns ----
        SIGACTION SIGUSR2, "leaq act_usr2(%rip), %rsi", "xorl %edx, %edx"
        CHECK   0
        SIGACTION SIGUSR1, "leaq act_usr1(%rip), %rsi", "xorl %edx, %edx"
        CHECK   0
        KILL    SIGUSR1
        CHECK   0
        incl    %r15d
        cmpl    $0, usr2_seen_in_usr1(%rip)     # inside the USR1 handler USR2 had not run
        jne     fail
        incl    %r15d
        cmpl    $1, usr2_count(%rip)            # it ran when the USR1 handler returned
        jne     fail
        SIGACTION SIGUSR1, "xorl %esi, %esi", "leaq old(%rip), %rdx"   # SA_RESETHAND: back to SIG_DFL
        CHECK   0
        incl    %r15d
        cmpq    $0, old(%rip)
        jne     fail
        PRINT   mask_ok, $mask_ok_len

        # ---- SIGKILL cannot be blocked ----
        movl    $SYS_rt_sigprocmask, %eax
        movl    $SIG_BLOCK, %edi
        leaq    kill_usr1(%rip), %rsi
        xorl    %edx, %edx
        movl    $8, %r10d
        syscall
        CHECK   0
        movl    $SYS_rt_sigprocmask, %eax
        movl    $SIG_SETMASK, %edi
        xorl    %esi, %esi
        leaq    oldset(%rip), %rdx
        movl    $8, %r10d
        syscall
        CHECK   0
        incl    %r15d
        cmpq    $1 << (SIGUSR1 - 1), oldset(%rip)
        jne     fail
        PRINT   kill_next, $kill_next_len
        KILL    SIGKILL                         # even blocked "in the mask", it kills
        FAIL_EXIT

segv_handler:                                   # (sig, info, ucontext)
        addq    $3, UC_RIP(%rdx)
        movq    $77, UC_RAX(%rdx)
        ret

usr1_handler:
        KILL    SIGUSR2                         # blocked by sa_mask: pending
        movl    usr2_count(%rip), %eax
        movl    %eax, usr2_seen_in_usr1(%rip)
        ret

usr2_handler:
        incl    usr2_count(%rip)
        ret

restore_rt:
        movl    $SYS_rt_sigreturn, %eax
        syscall

        .section .rodata
segv_ok: .ascii "SIGSEGV handler moved rip past the fault and set rax\n"
        .set    segv_ok_len, . - segv_ok
mask_ok: .ascii "sa_mask held SIGUSR2 back; SA_RESETHAND restored SIG_DFL\n"
        .set    mask_ok_len, . - mask_ok
kill_next: .ascii "SIGKILL was not blocked; sending it\n"
        .set    kill_next_len, . - kill_next

        .data
        .balign 8
act_segv: .quad segv_handler, SA_RESTORER|SA_SIGINFO, restore_rt, 0
act_usr1: .quad usr1_handler, SA_RESTORER|SA_RESETHAND, restore_rt, 1 << (SIGUSR2 - 1)
act_usr2: .quad usr2_handler, SA_RESTORER, restore_rt, 0
old:    .quad   -1, 0, 0, 0
kill_usr1: .quad (1 << (SIGKILL - 1)) | (1 << (SIGUSR1 - 1))
oldset: .quad   0
usr2_count: .long 0
usr2_seen_in_usr1: .long -1
