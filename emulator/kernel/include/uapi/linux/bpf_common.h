# include/uapi/linux/bpf_common.h -- the fields of a classic BPF opcode:
# class (low 3 bits), then size/mode for loads, or operation/source for ALU and jumps.

# instruction classes
.equ BPF_LD,	0x00
.equ BPF_LDX,	0x01
.equ BPF_ST,	0x02
.equ BPF_STX,	0x03
.equ BPF_ALU,	0x04
.equ BPF_JMP,	0x05
.equ BPF_RET,	0x06
.equ BPF_MISC,	0x07
# ld/ldx: size and mode
.equ BPF_W,	0x00
.equ BPF_IMM,	0x00
.equ BPF_ABS,	0x20
.equ BPF_MEM,	0x60
.equ BPF_LEN,	0x80
# alu/jmp: source operand; ret: BPF_A returns the accumulator
.equ BPF_K,	0x00
.equ BPF_X,	0x08
.equ BPF_A,	0x10
# alu operations
.equ BPF_ADD,	0x00
.equ BPF_SUB,	0x10
.equ BPF_MUL,	0x20
.equ BPF_DIV,	0x30
.equ BPF_OR,	0x40
.equ BPF_AND,	0x50
.equ BPF_LSH,	0x60
.equ BPF_RSH,	0x70
.equ BPF_NEG,	0x80
.equ BPF_XOR,	0xa0
# jump operations
.equ BPF_JA,	0x00
.equ BPF_JEQ,	0x10
.equ BPF_JGT,	0x20
.equ BPF_JGE,	0x30
.equ BPF_JSET,	0x40
