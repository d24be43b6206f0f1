# recursion: fib(20) = 6765 computed by naive recursion with a frame pointer; exit status
# fib(20) mod 256 = 109, and "6765\n" on stdout.
        .text
        .globl _start
_start:
        movl    $20, %edi
        call    fib
        movq    %rax, %r12
        movq    %rax, %rdi
        call    print_u64
        movl    $231, %eax
        movzbl  %r12b, %edi
        syscall

fib:    pushq   %rbp
        movq    %rsp, %rbp
        pushq   %rbx
        pushq   %r12
        cmpq    $2, %rdi
        jb      1f
        movq    %rdi, %rbx
        leaq    -1(%rbx), %rdi
        call    fib
        movq    %rax, %r12
        leaq    -2(%rbx), %rdi
        call    fib
        addq    %r12, %rax
        jmp     2f
1:      movq    %rdi, %rax
2:      popq    %r12
        popq    %rbx
        leave
        ret

print_u64:
        pushq   %rbp
        movq    %rsp, %rbp
        subq    $32, %rsp
        leaq    -1(%rbp), %rsi
        movb    $10, (%rsi)
        movq    %rdi, %rax
        movq    $10, %rcx
3:      xorl    %edx, %edx
        divq    %rcx
        addb    $'0', %dl
        decq    %rsi
        movb    %dl, (%rsi)
        testq   %rax, %rax
        jnz     3b
        movq    %rbp, %rdx
        subq    %rsi, %rdx
        movl    $1, %eax
        movl    $1, %edi
        syscall
        leave
        ret
