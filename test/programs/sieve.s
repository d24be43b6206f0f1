# sieve of Eratosthenes below 10000; prints the count of primes (1229) and exits with count & 0xff.
        .set N, 10000
        .text
        .globl _start
_start:
        leaq    flags(%rip), %rbx
        movl    $2, %ecx                    # i
outer:  movl    %ecx, %eax
        imull   %eax, %eax
        cmpl    $N, %eax
        jge     count
        cmpb    $0, (%rbx,%rcx)
        jne     skip
        movl    %eax, %edx                  # j = i*i
inner:  movb    $1, (%rbx,%rdx)
        addl    %ecx, %edx
        cmpl    $N, %edx
        jl      inner
skip:   incl    %ecx
        jmp     outer
count:  xorl    %eax, %eax
        movl    $2, %ecx
3:      cmpb    $0, (%rbx,%rcx)
        sete    %dl
        movzbl  %dl, %edx
        addl    %edx, %eax
        incl    %ecx
        cmpl    $N, %ecx
        jl      3b
        movl    %eax, %r12d
        # print the count in decimal
        leaq    buf+16(%rip), %rsi
        movb    $10, (%rsi)
        movl    $10, %ecx
4:      xorl    %edx, %edx
        divl    %ecx
        addb    $'0', %dl
        decq    %rsi
        movb    %dl, (%rsi)
        testl   %eax, %eax
        jnz     4b
        leaq    buf+17(%rip), %rdx
        subq    %rsi, %rdx
        movl    $1, %eax
        movl    $1, %edi
        syscall
        movl    $231, %eax
        movzbl  %r12b, %edi
        syscall

        .bss
flags:  .zero   N
buf:    .zero   32
