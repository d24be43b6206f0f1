// Bad input gives diagnostics with file/line/column, all of them, never an exception or a hang.
// Also: the line table (with macro chains) and the language-server analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble, analyze } from '../../emulator/asm/index';

const at = (r: { diagnostics: { line: number; column: number; message: string; severity: string }[] }) =>
  r.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity}: ${d.message}`);

test('every error is collected with its line and column', () => {
  const src = [
    '.text',
    '_start: movq %rax',            // 2: operand count
    '    mov $1, %foo',               // 3: bad register (col 13)
    '    .byte 1 +',                  // 4: missing expression
    '    .frobnicate 3',              // 5: unknown directive (col 5)
    'dup: nop',
    'dup: nop',                       // 7: duplicate label (col 1)
    '    jmp nowhere',                // 8: undefined symbol at link (col 9)
    '    .err',                       // 9
    '    .error "custom message"',    // 10
    '    .warning "just a warning"',  // 11
  ].join('\n');
  const r = assemble([{ name: 'bad.s', text: src }]);
  assert.equal(r.image, undefined);
  const d = at(r);
  assert.ok(d.some((x) => x.startsWith('2:9 error')), d.join('\n'));
  assert.ok(d.includes("3:13 error: bad register name '%foo'"), d.join('\n'));
  assert.ok(d.some((x) => x.startsWith('4:') && /missing expression/.test(x)), d.join('\n'));
  assert.ok(d.includes("5:5 error: unknown directive '.frobnicate'"), d.join('\n'));
  assert.ok(d.includes("7:1 error: symbol 'dup' is already defined"), d.join('\n'));
  assert.ok(d.includes('9:5 error: .err encountered'), d.join('\n'));
  assert.ok(d.includes('10:5 error: custom message'), d.join('\n'));
  assert.ok(d.includes('11:5 warning: just a warning'), d.join('\n'));
  assert.ok(r.diagnostics.every((x) => x.file === 'bad.s'));
});

test('undefined symbols are reported at the use, after linking', () => {
  const r = assemble([{ name: 'u.s', text: '.globl _start\n_start:\n  lea missing(%rip), %rax\n  .quad 1, other + 4\n' }]);
  const d = at(r);
  assert.ok(d.includes("3:7 error: undefined symbol 'missing'"), d.join('\n'));
  assert.ok(d.includes("4:12 error: undefined symbol 'other'"), d.join('\n'));
});

test('short-only branches out of range and oversized values are errors', () => {
  const r = assemble([{ name: 'r.s', text: '_start: jrcxz far\n.fill 200,1,0x90\nfar: ret\n.data\n.byte far\n' }]);
  const d = at(r);
  assert.ok(d.some((x) => x.startsWith('1:') && /out of range/.test(x)), d.join('\n'));
  assert.ok(d.some((x) => x.startsWith('5:') && /does not fit/.test(x)), d.join('\n'));
});

test('recursive macros, huge .rept and unterminated blocks end with a diagnostic', () => {
  const cases = [
    '.macro boom\nboom\n.endm\nboom\n',
    '.rept 1000000000\nnop\n.endr\n',
    '.macro m\nnop\n',
    '.rept 3\nnop\n',
    '.if 1\nnop\n',
    '.skip 1 << 40\n',
    '.endif\n.endm\n.else\n',
  ];
  for (const text of cases) {
    const r = assemble([{ name: 'x.s', text: '_start:\n' + text }]);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'), `no error for ${JSON.stringify(text)}`);
  }
});

test('line table: file/line per instruction, with the macro invocation chain', () => {
  const src = '.macro two\n  nop\n  inner\n.endm\n.macro inner\n  hlt\n.endm\n.globl _start\n_start:\n  two\n  ret\n.data\n  .long 5\n';
  const r = assemble([{ name: 'm.s', text: src }]);
  const lines = r.image!.lines;
  const show = lines.map((l) => `${l.address.toString(16)}+${l.length} ${l.line}${l.isCode ? '' : ' data'} [${l.expandedFrom.map((e) => e.line).join(',')}]`);
  assert.deepEqual(show, ['401000+1 2 [10]', '401001+1 6 [10,3]', '401002+1 11 []', '402000+4 13 data []']);
});

test('.include goes through readInclude and keeps the included file name', () => {
  const r = assemble([{ name: 'main.s', text: '.globl _start\n_start:\n.include "defs.inc"\n mov $VAL, %eax\n' }], {
    readInclude: (name) => (name === 'defs.inc' ? { name: '/inc/defs.inc', text: 'VAL = 3\n nop\n' } : undefined),
  });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.image!.lines[0].file, '/inc/defs.inc');
  const missing = assemble([{ name: 'main.s', text: '.include "nope.inc"\n' }]);
  assert.ok(at(missing).some((x) => x.startsWith('1:10 error: cannot find include file')), at(missing).join('\n'));
});

test('analyze: document symbols and references for the language server', () => {
  const a = analyze({ name: 'a.s', text: '.macro M x\n.endm\nstart:\n  jmp helper\nK = 5\n  mov $K, %eax\n  call external\n' });
  assert.deepEqual(a.diagnostics, []);
  assert.deepEqual(a.symbols.map((s) => `${s.kind} ${s.name} ${s.line}:${s.column}`), ['macro M 1:8', 'label start 3:1', 'equate K 5:1']);
  assert.ok(a.references.some((r) => r.name === 'helper' && r.line === 4 && r.column === 7));
  assert.ok(a.references.some((r) => r.name === 'K' && r.line === 6 && r.column === 8));
});

// Fuzz bases: AT&T with data and local labels; Intel syntax; macros, conditionals and repetition
// (recursion, .exitm, \@, vararg, blank-separated arguments); .org, `. =`, .comm and .include.
const FUZZ_BASES = [
  '.globl _start\n.text\n_start:\n mov $1, %eax\n lea msg(%rip), %rsi\n.macro m a=1\n .byte \\a\n.endm\n m 3\n.rept 2\n jmp 1f\n1:\n.endr\n.data\nmsg: .ascii "hi\\n"\n.quad msg - _start\n',
  '.intel_syntax noprefix\n.globl _start\n_start:\n mov eax, DWORD PTR [rip + val]\n lea rsi, [rbx + rcx*4 - 8]\n add QWORD PTR fs:[rax], 0x10\n movzx ecx, BYTE PTR [rsi]\n rep stosb\n jne _start\n.att_syntax\n movq $val, %rdi\n.data\nval: .long 7\n',
  '.macro rec n\n.if \\n\n .byte \\n\n rec "(\\n-1)"\n.exitm\n.endif\n.endm\n.macro pair a b=2\n .word \\a, \\b\nL\\@: .byte 0\n.endm\n.macro va x:vararg\n.irp r, \\x\n push %\\r\n.endr\n.endm\n_start:\n va rax, rbx\n.data\n rec 4\n pair 1 2\n pair 1 + 2, 3\n.irpc c, 123\n .byte \\c\n.endr\n.ifc a, b\n.err\n.elseif 1\n .org 0x40, 0xaa\n . = . + 2\n.endif\n.comm buf, 16\n.include "x.inc"\n',
];

test('mutated sources never throw and always finish (AT&T, Intel, macros)', () => {
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const alphabet = '%$(),:.\\"\'#;-+*/<>=!&|^~ \n0123456789abcdefxrmovjq[]@';
  const words = ['.macro m a b\n', '.endm\n', '.rept 3\n', '.endr\n', '.if 1\n', '.endif\n', '.else\n', ' m 1 2\n', '\\@', 'PTR ', '[rax', ']',
    '.intel_syntax noprefix\n', '.att_syntax\n', '.org ', '. = ', '.exitm\n', '\\a', ',', ' rec 9\n', '.comm c, 8\n', '.include "x.inc"\n'];
  let runs = 0;
  for (const base of FUZZ_BASES) {
    for (let i = 0; i < 1000; i++) {
      const chars = base.split('');
      const edits = 1 + rnd(4);
      for (let e = 0; e < edits; e++) {
        const p = rnd(chars.length);
        const k = rnd(4);
        if (k === 0) chars.splice(p, 1);
        else if (k === 1) chars.splice(p, 0, alphabet[rnd(alphabet.length)]);
        else if (k === 2) chars[p] = alphabet[rnd(alphabet.length)];
        else chars.splice(p, 0, words[rnd(words.length)]);
      }
      const text = chars.join('');
      const r = assemble([{ name: 'f.s', text }], { readInclude: (n) => (n === 'x.inc' ? { name: 'x.inc', text: ' .byte 1\n rec 2\n' } : undefined) });
      runs++;
      for (const d of r.diagnostics) {
        assert.ok(d.line >= 1 && d.column >= 1, JSON.stringify(d));
        assert.doesNotMatch(d.message, /internal/, `${JSON.stringify(text)} -> ${d.message}`);
      }
    }
  }
  assert.equal(runs, 3000);
});
