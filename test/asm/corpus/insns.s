# instructions through the encoder: operand forms, prefixes, segment overrides, Intel syntax
    .text
    .globl _start
_start:
    movq $0x12345678, %rax
    movabs $0x123456789abcdef0, %rax
    mov %gs:0x10, %rax
    mov %gs:pcpu_var, %rdx
    mov %fs:(%rax), %ecx
    mov 8(%rbp), %eax
    mov -8(%rsp,%rcx,4), %r9
    mov (,%rdx,8), %rsi
    mov 0x1000, %eax
    lea val(%rip), %rdi
    add $1, %rax
    add $200, %rax
    add $K, %rbx
    sub $-1, %ecx
    rep movsb
    rep stosq
    repe cmpsb
    repne scasb
    lock incq (%rdi)
    lock cmpxchg %rcx, (%rdx)
    rep
    movsq
    cmpl $5, val(%rip)
    movzbl (%rsi), %eax
    movslq %eax, %rdx
    shl $3, %rax
    shr %cl, %rdx
    in $0x80, %al
    out %al, (%dx)
    syscall
    .intel_syntax noprefix
    mov rax, qword ptr [rbx+rcx*8+16]
    mov eax, dword ptr [rip + val]
    mov rdx, offset val
    lea rsi, [rip + val]
    add rax, 5
    mov byte ptr [rdi], 0x41
    mov rax, qword ptr gs:[0x20]
    push r12
    jmp 1f
1:  xor eax, eax
    .att_syntax
    ret
K = 0x55
    .data
val: .long 7
pcpu_var = 0x40
# suffixed movabs, enter's operand order, redundant default-segment overrides (no prefix byte)
    .text
    movabsq $0xffffffff81000000, %rsi
    movabsb 0x1000, %al
    movabsq %rax, 0x1122334455667788
    enter $0x1234, $3
    add %bl, %ds:(%rax)
    add %bl, %ss:(%rbp)
    add %bl, %ds:(%rbp)
    mov %ds:0x1000, %eax
