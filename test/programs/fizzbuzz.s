# fizzbuzz 1..30, one write(2) per line; exercises div, cmp/jcc, calls, a stack buffer.
        .text
        .globl _start
_start:
        movl    $1, %r12d
1:      movl    %r12d, %eax
        xorl    %edx, %edx
        movl    $15, %ecx
        divl    %ecx
        testl   %edx, %edx
        jz      fb
        movl    %r12d, %eax
        xorl    %edx, %edx
        movl    $3, %ecx
        divl    %ecx
        testl   %edx, %edx
        jz      f
        movl    %r12d, %eax
        xorl    %edx, %edx
        movl    $5, %ecx
        divl    %ecx
        testl   %edx, %edx
        jz      b
        movl    %r12d, %edi
        call    print_number
        jmp     next
fb:     leaq    s_fizzbuzz(%rip), %rsi
        movl    $9, %edx
        call    print
        jmp     next
f:      leaq    s_fizz(%rip), %rsi
        movl    $5, %edx
        call    print
        jmp     next
b:      leaq    s_buzz(%rip), %rsi
        movl    $5, %edx
        call    print
next:   incl    %r12d
        cmpl    $30, %r12d
        jle     1b
        movl    $231, %eax
        xorl    %edi, %edi
        syscall

# print(rsi = buffer, rdx = length)
print:
        movl    $1, %eax
        movl    $1, %edi
        syscall
        ret

# print_number(edi): decimal digits and a newline
print_number:
        subq    $32, %rsp
        leaq    31(%rsp), %rsi
        movb    $10, (%rsi)
        movl    %edi, %eax
        movl    $10, %ecx
2:      xorl    %edx, %edx
        divl    %ecx
        addb    $'0', %dl
        decq    %rsi
        movb    %dl, (%rsi)
        testl   %eax, %eax
        jnz     2b
        leaq    32(%rsp), %rdx
        subq    %rsi, %rdx
        call    print
        addq    $32, %rsp
        ret

        .section .rodata
s_fizzbuzz: .ascii "FizzBuzz\n"
s_fizz:     .ascii "Fizz\n"
s_buzz:     .ascii "Buzz\n"
