# data directives, expressions, character literals, strings
    .data
d0: .byte 1, 2, 0xff, -1, 'a, 'b', '\n, '\\
    .word 0x1234, -2, 65535
    .short 7
    .hword 8
    .value 9
    .long 0xdeadbeef, -1, 1 << 31
    .int 42
    .quad 0x123456789abcdef0, -1, d0, d1 - d0, end - d0
    .2byte 1
    .4byte 2
    .8byte 3
d1: .ascii "abc", "\t\"q\"\101\x42"
    .asciz "zero"
    .string "str", "two"
    .zero 3
    .skip 2, 0x55
    .space 4
    .fill 3, 2, 0x1234
    .fill 2, 8, 0x1122334455667788
    .fill 2
    .byte 3 == 1 + 2, 1 | 2 * 3, 6 & 3 + 1, 1 || 0 && 0, 5 ! 2
    .byte 7 / 2, -7 / 2, -7 % 3, 1 << 3 >> 1, ~0, !5, -1 > 0, 1 < 2, 2 <> 3, 2 != 2, 3 >= 3, 3 <= 2
    .quad 0x8000000000000000 >> 1, -1 / 2, (1 + 2) * (3 + 4), 0b1011, 017, 0x1F
    .balign 8
    .long . - d0
    .uleb128 624485
    .sleb128 -123456
    .p2align 4, 0xcc
    .align 4
    .balign 16, 0xab, 3
    .quad d0 + 8, end
    .long 1f - 0f, 0f
0:  .byte 1, 2, 3
1:
    .long 1b - 0b
sz = end - d0
    .quad sz
    .equ E1, 10
    .set E2, E1 * 2
    E3 = E2 + 1
    .equiv E4, E3 << 1
    .long E1, E2, E3, E4
    .set E1, 11
    .long E1
    .uleb128 300, 0x7f, 0x80
    .sleb128 -1, 64, -65, 63
end:
    .text
    .globl _start
_start:
    ret
