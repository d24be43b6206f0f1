# branch relaxation: short where GNU as keeps it short, rel32 where it must grow
    .text
    .globl _start, gfun
    .weak wfun
_start:
    jmp 1f
    je 1f
    jne 2f
    call gfun
1:  .fill 120, 1, 0x90
    jmp 1b
    jl 1b
2:  .fill 130, 1, 0x90
    jg 2b
    jmp 2b
    jmp gfun
    jz gfun
    jmp wfun
    jmp other
    jmp far
    loop 3f
    jrcxz 3f
3:  call 3b
    jmp *%rax
    call *(%rbx)
    jmp *8(%rax,%rcx,8)
    call *%r11
gfun:
wfun:
    ret
    .rept 40
    jmp gfun
    .endr
    jne _start
    .section .othertext, "ax"
other:
    jmp _start
    jmp other
far:
    ret
