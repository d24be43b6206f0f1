.globl _start
.text
_start:
  mov $157, %eax; mov $21,%edi; syscall
  mov $13, %eax; mov $2,%edi; lea sa2(%rip),%rsi; lea old(%rip),%rdx; mov $8,%r10d; syscall
  mov $13, %eax; mov $15,%edi; lea sa3(%rip),%rsi; xor %edx,%edx; mov $8,%r10d; syscall
  mov $14, %eax; mov $2,%edi; lea bigmask(%rip),%rsi; xor %edx,%edx; mov $8,%r10d; syscall
  mov $14, %eax; mov $2,%edi; lea zero(%rip),%rsi; xor %edx, %edx; mov $8,%r10d; syscall
  mov $9, %eax; mov $0x10000000,%edi; mov $4096,%esi; mov $7,%edx; mov $0x32,%r10d; mov $-1,%r8; xor %r9d,%r9d; syscall
  mov $9, %eax; xor %edi,%edi; mov $4096,%esi; mov $0,%edx; mov $0x22,%r10d; mov $-1,%r8; mov $0x2000, %r9d; syscall
  mov $35, %eax; lea ts(%rip),%rdi; lea old(%rip),%rsi; syscall
  mov $228, %eax; mov $0,%edi; lea old(%rip),%rsi; syscall
  mov $228, %eax; mov $99,%edi; lea old(%rip),%rsi; syscall
  mov $8, %eax; mov $0,%edi; mov $-5,%rsi; mov $2,%edx; syscall
  mov $21, %eax; lea path(%rip),%rdi; mov $6,%esi; syscall
  mov $21, %eax; lea path(%rip),%rdi; mov $0,%esi; syscall
  mov $12, %eax; mov $0x10001000,%edi; syscall
  mov $11, %eax; mov $0x10000000,%edi; mov $4096,%esi; syscall
  mov $62, %eax; mov $1,%edi; mov $0,%esi; syscall
  mov $0, %eax; mov $99,%edi; lea old(%rip),%rsi; mov $4,%edx; syscall
  mov $1, %eax; mov $1, %edi; lea s32(%rip), %rsi; mov $32, %edx; syscall
  mov $1, %eax; mov $1, %edi; lea s32(%rip), %rsi; mov $33, %edx; syscall
  mov $317, %eax; mov $0,%edi; xor %esi,%esi; xor %edx,%edx; syscall
  mov $39, %eax; syscall
.data
path: .asciz "/etc/hostname"
s32: .ascii "abcdefghijklmnopqrstuvwxyz01234\001\063"
.balign 8
sa2: .quad 1, 0x14000000, 0x401000, 0
sa3: .quad 0x401000, 0xdc000004, 0x401000, 0xffffffff
bigmask: .quad 0xfffffffffffbfeff
zero: .quad 0
ts: .quad 0, 1000
old: .quad 0, 0
