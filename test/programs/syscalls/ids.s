# Identity syscalls, uname, unknown syscall numbers, and exit (not exit_group) with a status above
# 255. Values that differ between hosts (ids, host name, kernel release) are checked for shape,
# not printed; the test masks them in the strace lines.

        .set SYS_write, 1
        .set SYS_getpid, 39
        .set SYS_exit, 60
        .set SYS_uname, 63
        .set SYS_getuid, 102
        .set SYS_getgid, 104
        .set SYS_geteuid, 107
        .set SYS_getegid, 108
        .set SYS_getppid, 110
        .set SYS_gettid, 186
        .set SYS_exit_group, 231
        .set ENOSYS, 38

        .include "check.inc"

        # write(1, addr, len) for a string in .rodata
        # the six argument registers = 0, so the strace line of an unknown syscall is predictable
        .macro ZERO_ARGS
        xorl    %edi, %edi
        xorl    %esi, %esi
        xorl    %edx, %edx
        xorl    %r10d, %r10d
        xorl    %r8d, %r8d
        xorl    %r9d, %r9d
        .endm

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d

        movl    $SYS_getpid, %eax
        syscall
        movq    %rax, %r12                      # pid
        movl    $SYS_gettid, %eax
        syscall
        incl    %r15d
        cmpq    %rax, %r12                      # one thread: tid == pid
        jne     fail
        movl    $SYS_getppid, %eax
        syscall
        incl    %r15d
        cmpq    %rax, %r12                      # the parent is someone else
        je      fail
        movl    $SYS_getuid, %eax
        syscall
        movq    %rax, %r13
        movl    $SYS_geteuid, %eax
        syscall
        incl    %r15d
        cmpq    %rax, %r13                      # no set-uid: euid == uid
        jne     fail
        incl    %r15d
        testq   %r13, %r13                      # not root
        jz      fail
        movl    $SYS_getgid, %eax
        syscall
        movq    %rax, %r13
        movl    $SYS_getegid, %eax
        syscall
        incl    %r15d
        cmpq    %rax, %r13
        jne     fail
        PRINT   ids_ok, $ids_ok_len

        movl    $SYS_uname, %eax                # uname(&uts) = 0: print sysname and machine
        leaq    uts(%rip), %rdi
        syscall
        CHECK   0
        leaq    uts(%rip), %rdi                 # sysname at 0
        call    puts
        leaq    uts+65*4(%rip), %rdi            # machine at 4 * 65
        call    puts
        movl    $SYS_uname, %eax                # uname(NULL) = -EFAULT
        xorl    %edi, %edi
        syscall
        CHECK   -14

        ZERO_ARGS
        movl    $1000, %eax                     # no syscall 1000: -ENOSYS
        syscall
        CHECK   -ENOSYS
        ZERO_ARGS
        movq    $-1, %rax                       # nr == -1: skipped, the result stays -ENOSYS
        syscall
        CHECK   -ENOSYS
        ZERO_ARGS
        movabsq $0x100000027, %rax              # only EAX counts: this is getpid
        syscall
        incl    %r15d
        cmpq    %rax, %r12
        jne     fail
        PRINT   done, $done_len
        movl    $SYS_exit, %eax                 # exit (the thread) with 0x1234: status 0x34
        movl    $0x1234, %edi
        syscall
        FAIL_EXIT

# puts(rdi): write the NUL-terminated string and a newline
puts:
        movq    %rdi, %rsi
        xorl    %edx, %edx
1:      cmpb    $0, (%rsi,%rdx)
        je      2f
        incl    %edx
        jmp     1b
2:      movl    $SYS_write, %eax
        movl    $1, %edi
        syscall
        PRINT   newline, $1
        ret

        .section .rodata
ids_ok: .ascii  "pid == tid, ppid != pid, uid == euid != 0, gid == egid\n"
        .set    ids_ok_len, . - ids_ok
newline: .ascii "\n"
done:   .ascii  "ids: all checks passed\n"
        .set    done_len, . - done

        .bss
uts:    .zero   390
