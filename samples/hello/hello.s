# hello: the smallest useful program — one write(2), one exit_group(2).

        .text
        .globl _start
_start:
        movl    $1, %eax                # SYS_write
        movl    $1, %edi                # fd 1: standard output
        leaq    msg(%rip), %rsi
        movl    $msg_len, %edx
        syscall

        movl    $231, %eax              # SYS_exit_group
        xorl    %edi, %edi
        syscall

        .section .rodata
msg:    .ascii  "Hello from ring 3!\n"
        .set    msg_len, . - msg
