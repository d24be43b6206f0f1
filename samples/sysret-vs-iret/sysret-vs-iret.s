# sysret-vs-iret: the kernel leaves by SYSRET only when that is safe; otherwise by IRET.
# 1. getpid() with ordinary flags: every check in syscall_exit... passes -> sysretq.
# 2. getpid() with the trap flag (TF) set. Single-stepping first stops us before the `syscall`
#    (SIGTRAP; the handler keeps TF on and returns through rt_sigreturn, which always leaves by
#    IRET). The syscall then runs with TF in the saved flags, and SYSRET cannot restore TF safely,
#    so the kernel returns through iretq; one more user instruction is stepped, a second SIGTRAP
#    arrives, and this time the handler clears TF.
# Set breakpoints on both `syscall` lines and Step Into each: watch which exit path runs.

        .set SYS_write, 1
        .set SYS_rt_sigaction, 13
        .set SYS_rt_sigreturn, 15
        .set SYS_getpid, 39
        .set SYS_exit_group, 231
        .set SIGTRAP, 5
        .set SA_SIGINFO, 4
        .set SA_RESTORER, 0x04000000
        .set UC_RIP, 40 + 16 * 8        # ucontext.uc_mcontext.gregs[REG_RIP]
        .set UC_EFLAGS, 40 + 17 * 8     # ucontext.uc_mcontext.gregs[REG_EFL]
        .set X86_EFLAGS_TF, 0x100

        .text
        .globl _start
_start:
        movl    $SYS_rt_sigaction, %eax # SIGTRAP handler, so the single step is survivable
        movl    $SIGTRAP, %edi
        leaq    act(%rip), %rsi
        xorl    %edx, %edx
        movl    $8, %r10d
        syscall

        movl    $SYS_getpid, %eax       # 1: returns through sysretq
        syscall

        pushfq                          # 2: the same call with TF set
        orq     $X86_EFLAGS_TF, (%rsp)
        popfq
        movl    $SYS_getpid, %eax
        syscall                         # returns through iretq
stepped:
        nop                             # single-stepped: SIGTRAP after this instruction
        nop

        cmpl    $2, traps(%rip)
        jne     bad
        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    msg(%rip), %rsi
        movl    $msg_len, %edx
        syscall
        xorl    %edi, %edi
        jmp     out
bad:
        movl    $1, %edi
out:
        movl    $SYS_exit_group, %eax
        syscall

# void on_sigtrap(int sig, siginfo_t *info, ucontext_t *uc)
on_sigtrap:
        incl    traps(%rip)
        leaq    stepped(%rip), %rax
        cmpq    %rax, UC_RIP(%rdx)      # still before the syscall's return? keep stepping
        jbe     1f
        andq    $~X86_EFLAGS_TF, UC_EFLAGS(%rdx)    # stop single-stepping after sigreturn
1:      ret

restore_rt:
        movl    $SYS_rt_sigreturn, %eax
        syscall

        .data
        .balign 8
act:    .quad   on_sigtrap
        .quad   SA_SIGINFO | SA_RESTORER
        .quad   restore_rt
        .quad   0
traps:  .long   0

        .section .rodata
msg:    .ascii  "SYSRET for the plain call, IRET with TF set, two SIGTRAPs\n"
        .set    msg_len, . - msg
