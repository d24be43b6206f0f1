# efault: the kernel refuses to write where user space may not.
# 1. read(fd, <a kernel address>, 7): access_ok() rejects the pointer before any copy: -EFAULT.
# 2. read(fd, <7 bytes before the end of the last mapped page>, 4096) from /dev/zero: the copy
#    starts, rep movsb faults on the unmapped page, the __ex_table fixup ends the copy and the
#    kernel reports how many bytes it managed: a short read, not a crash.
# Exit status: 0 when both behave as Linux does.

        .set SYS_read, 0
        .set SYS_write, 1
        .set SYS_openat, 257
        .set SYS_exit_group, 231
        .set AT_FDCWD, -100
        .set EFAULT, 14

        .text
        .globl _start
_start:
        movl    $SYS_openat, %eax
        movq    $AT_FDCWD, %rdi
        leaq    hostname(%rip), %rsi
        xorl    %edx, %edx
        syscall
        movq    %rax, %r12

        # read into a kernel address
        movl    $SYS_read, %eax
        movq    %r12, %rdi
        movabsq $0xffffffff81000000, %rsi
        movl    $7, %edx
        syscall
        cmpq    $-EFAULT, %rax
        jne     bad

        # a read from /dev/zero that runs off the end of the mapping
        movl    $SYS_openat, %eax
        movq    $AT_FDCWD, %rdi
        leaq    devzero(%rip), %rsi
        xorl    %edx, %edx
        syscall
        movq    %rax, %rdi
        movl    $SYS_read, %eax
        leaq    edge(%rip), %rsi        # 7 bytes before the end of .bss's last page
        movl    $4096, %edx
        syscall
        cmpq    $7, %rax                # a short read: 7 bytes copied, then the fault
        jne     bad

        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    okmsg(%rip), %rsi
        movl    $okmsg_len, %edx
        syscall
        xorl    %edi, %edi
        jmp     out
bad:
        movl    $1, %edi
out:
        movl    $SYS_exit_group, %eax
        syscall

        .section .rodata
hostname: .asciz "/etc/hostname"
devzero:  .asciz "/dev/zero"
okmsg:  .ascii  "EFAULT and the short read behave as on Linux\n"
        .set    okmsg_len, . - okmsg

        .bss
        .balign 4096
page:   .zero   4096 - 7
edge:   .zero   7
