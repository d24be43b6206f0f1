// The ELF writer's output runs natively on this Linux, and binutils read its symbols and sections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, writeElf } from '../../emulator/asm/index';

const HELLO = `
    .globl _start
    .type _start, @function
    .text
_start:
    mov $1, %eax
    mov $1, %edi
    lea msg(%rip), %rsi
    mov $len, %edx
    syscall
    call add_counter
    mov $60, %eax
    mov counter(%rip), %rdi
    syscall
    .size _start, . - _start
add_counter:
    addq $40, counter(%rip)
    incq counter(%rip)
    incq counter(%rip)
    ret
    .section .rodata
msg: .ascii "hello, world\\n"
len = . - msg
    .data
counter: .quad 0
    .bss
scratch: .skip 8192
`;

function build(text: string, files?: { name: string; text: string }[]) {
  const r = assemble(files ?? [{ name: 'hello.s', text }]);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const dir = mkdtempSync(join(tmpdir(), 'ringstep-elf-'));
  const path = join(dir, 'prog');
  writeFileSync(path, writeElf(r.image!), { mode: 0o755 });
  return { path, dir, image: r.image! };
}

test('hello world runs natively: stdout and exit code', () => {
  const { path, dir } = build(HELLO);
  try {
    const r = spawnSync(path, [], { encoding: 'utf8' });
    assert.equal(r.stdout, 'hello, world\n');
    assert.equal(r.status, 42);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('nm and objdump see our symbols, sections and segments', () => {
  const { path, dir, image } = build(HELLO);
  try {
    const nm = execFileSync('nm', [path], { encoding: 'utf8' });
    assert.match(nm, /0000000000401000 T _start/);
    assert.match(nm, / t add_counter/);
    assert.match(nm, / r msg/);
    assert.match(nm, / d counter/);
    assert.match(nm, / b scratch/);
    assert.match(nm, /000000000000000d a len/);
    const dis = execFileSync('objdump', ['-d', path], { encoding: 'utf8' });
    assert.match(dis, /<_start>:/);
    assert.match(dis, /call\s+[0-9a-f]+ <add_counter>/);
    const ph = execFileSync('readelf', ['-lW', path], { encoding: 'utf8' });
    assert.match(ph, /LOAD .* 0x0000000000401000 .* R E 0x1000/);
    assert.match(ph, /LOAD .* R   0x1000/);
    assert.match(ph, /LOAD .* RW  0x1000/);
    const sym = image.symbols.find((s) => s.name === '_start')!;
    assert.equal(sym.type, 'func');
    assert.equal(sym.binding, 'global');
    assert.ok(sym.size > 0);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('two files link: globals across files, locals stay per file', () => {
  const a = { name: 'a.s', text: '.globl _start\n.text\n_start: call helper\n mov %eax, %edi\n mov $60, %eax\n syscall\nlocal: ret\n' };
  const b = { name: 'b.s', text: '.globl helper\n.text\nhelper: mov $value, %eax\n jmp local\nlocal: ret\n.data\nvalue = 9\n' };
  const { path, dir, image } = build('', [a, b]);
  try {
    const r = spawnSync(path, []);
    assert.equal(r.status, 9);
    assert.equal(image.symbols.filter((s) => s.name === 'local').length, 2);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
