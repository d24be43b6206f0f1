.globl _start
.text
_start:
  mov $257, %eax; mov $-100, %rdi; lea path(%rip), %rsi; xor %edx, %edx; syscall
  mov %rax, %r12
  mov $0, %eax; mov %r12, %rdi; lea buf(%rip), %rsi; mov $262144, %edx; syscall
  mov %rax, %rdx; mov $1, %eax; mov $1, %edi; lea buf(%rip), %rsi; syscall
  mov $0, %eax; mov %r12, %rdi; lea buf(%rip), %rsi; mov $262144, %edx; syscall
  mov $3, %eax; mov %r12, %rdi; syscall
  mov $1, %eax; mov $1, %edi; lea long(%rip), %rsi; mov $50, %edx; syscall
  mov $1, %eax; mov $1, %edi; lea bin(%rip), %rsi; mov $12, %edx; syscall
  mov $3, %eax; mov $99, %edi; syscall
  mov $39, %eax; syscall
  mov $63, %eax; lea buf(%rip), %rdi; syscall
  mov $12, %eax; xor %edi,%edi; syscall
  mov $9, %eax; xor %edi,%edi; mov $8192,%esi; mov $3,%edx; mov $0x22,%r10d; mov $-1,%r8; xor %r9d,%r9d; syscall
  mov %rax,%r13
  mov $10, %eax; mov %r13,%rdi; mov $4096,%esi; mov $1,%edx; syscall
  mov $11, %eax; mov %r13,%rdi; mov $8192,%esi; syscall
  mov $158, %eax; mov $0x1002,%edi; lea buf(%rip),%rsi; syscall
  mov $158, %eax; mov $0x1003,%edi; lea buf(%rip),%rsi; syscall
  mov $157, %eax; mov $38,%edi; mov $1,%esi; xor %edx,%edx; xor %r10d,%r10d; xor %r8d,%r8d; syscall
  mov $157, %eax; mov $39,%edi; xor %esi,%esi; syscall
  mov $13, %eax; mov $10,%edi; lea sa(%rip),%rsi; xor %edx,%edx; mov $8,%r10d; syscall
  mov $14, %eax; mov $0,%edi; lea mask(%rip),%rsi; lea buf(%rip),%rdx; mov $8,%r10d; syscall
  mov $35, %eax; lea ts(%rip),%rdi; xor %esi,%esi; syscall
  mov $228, %eax; mov $1,%edi; lea buf(%rip),%rsi; syscall
  mov $318, %eax; lea buf(%rip),%rdi; mov $8,%esi; xor %edx,%edx; syscall
  mov $20, %eax; mov $1,%edi; lea iov(%rip),%rsi; mov $2,%edx; syscall
  mov $17, %eax; mov $0,%edi; lea buf(%rip),%rsi; mov $4,%edx; mov $0, %r10; syscall
  mov $8, %eax; mov $0,%edi; mov $0,%esi; mov $1,%edx; syscall
  mov $2, %eax; lea nopath(%rip), %rdi; mov $0x241, %esi; mov $0644, %edx; syscall
  mov $186, %eax; syscall
  mov $110, %eax; syscall
  mov $102, %eax; syscall
  mov $104, %eax; syscall
  mov $107, %eax; syscall
  mov $108, %eax; syscall
  mov $1000, %eax; syscall
  mov $0, %eax; mov $0,%edi; mov $1,%esi; mov $1,%edx; syscall
  mov $231, %eax; mov $3, %edi; syscall
.data
path: .asciz "/etc/hostname"
nopath: .asciz "/nonexistent/dir/file.txt"
long: .ascii "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
bin: .byte 0,1,2,7,8,9,10,11,12,13,0x1b,0x7f
.balign 8
sa: .quad 0x401000, 0x04000000, 0x401010, 0x400
mask: .quad 0x200
ts: .quad 1, 500
iov: .quad long, 3, bin, 5
.bss
buf: .space 262144
