# bench: sieve of Eratosthenes below 8192, repeated ITER times (ITER comes from --defsym).
        .set N, 8192
        .text
        .globl _start
_start:
        movl    $ITER, %r15d
again:  leaq    flags(%rip), %rbx
        movq    %rbx, %rdi                  # clear the flags
        movl    $N, %ecx
        xorl    %eax, %eax
        rep stosb
        movl    $2, %ecx
outer:  movl    %ecx, %eax
        imull   %eax, %eax
        cmpl    $N, %eax
        jge     done
        cmpb    $0, (%rbx,%rcx)
        jne     skip
        movl    %eax, %edx
inner:  movb    $1, (%rbx,%rdx)
        addl    %ecx, %edx
        cmpl    $N, %edx
        jl      inner
skip:   incl    %ecx
        jmp     outer
done:   decl    %r15d
        jnz     again
        movl    $231, %eax
        xorl    %edi, %edi
        syscall
        .bss
flags:  .zero   N
