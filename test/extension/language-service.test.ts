// The language service on its own (no VS Code): the samples and a small kernel-like file as input,
// the assembler's diagnostics, and navigation checked against positions read from the text itself.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AsmLanguageService } from '../../extension/server/service';
import { assemblerCheck } from '../../extension/server/assemblerCheck';
import { stageOfStack } from '../../extension/stages';
import { parseRing } from '../../extension/ringParse';

const CAT = readFileSync(new URL('../../samples/cat-hostname/cat.s', import.meta.url), 'utf8');
const CAT_URI = 'file:///samples/cat-hostname/cat.s';
const KERNEL_URI = 'file:///kernel/arch/x86/entry/entry_64.S';
const KERNEL = [
  '/* mirrors arch/x86/entry/entry_64.S */',
  '        .text',
  '        .globl entry_SYSCALL_64',
  '# the SYSCALL entry point',
  'entry_SYSCALL_64:',
  '        swapgs',
  '        call do_syscall_64',
  '        sysretq',
].join('\n');

function pos(text: string, needle: string, nth = 0, offset = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) idx = text.indexOf(needle, idx + 1);
  assert.ok(idx >= 0, `${needle} not found`);
  const before = text.slice(0, idx);
  const line = before.split('\n').length - 1;
  return { line, character: idx - before.lastIndexOf('\n') - 1 + offset };
}

function service(): AsmLanguageService {
  const s = new AsmLanguageService({ check: assemblerCheck });
  s.setKernelFiles([{ uri: KERNEL_URI, path: 'arch/x86/entry/entry_64.S', text: KERNEL }]);
  s.update(CAT_URI, CAT, '/samples/cat-hostname/cat.s');
  return s;
}

describe('language service', () => {
  test('the sample assembles without diagnostics; a typo gets one at its line and column', () => {
    const s = service();
    assert.deepEqual(s.diagnostics(CAT_URI), []);
    const bad = CAT.replace('testq   %rax, %rax\n        jle', 'testq   %rax, %rbx, %rcx\n        jle');
    s.update(CAT_URI, bad);
    const d = s.diagnostics(CAT_URI);
    assert.ok(d.length >= 1, 'one diagnostic');
    assert.equal(d[0].range.start.line, pos(bad, '%rbx, %rcx').line);
    assert.equal(d[0].severity, 'error');
  });

  test('definition of a label, a constant, and a local jump target', () => {
    const s = service();
    const jmp = pos(CAT, 'jmp     read_loop', 0, 9);
    const def = s.definition(CAT_URI, jmp);
    assert.equal(def.length, 1);
    assert.deepEqual(def[0].range.start, pos(CAT, 'read_loop:'));
    const c = s.definition(CAT_URI, pos(CAT, '$SYS_read', 0, 2));
    assert.deepEqual(c[0].range.start, pos(CAT, 'SYS_read, 0'));
  });

  test('references include the definition and every use', () => {
    const s = service();
    const refs = s.references(CAT_URI, pos(CAT, 'read_loop:'), true);
    assert.equal(refs.length, 2);
  });

  test('definition crosses into the kernel sources', () => {
    const s = service();
    s.update('file:///u.s', 'call entry_SYSCALL_64\n', '/u.s');
    const d = s.definition('file:///u.s', { line: 0, character: 8 });
    assert.equal(d[0].uri, KERNEL_URI);
    assert.equal(d[0].range.start.line, 4);
    const h = s.hover('file:///u.s', { line: 0, character: 8 });
    assert.match(h!.markdown, /arch\/x86\/entry\/entry_64\.S/);
    assert.match(h!.markdown, /SYSCALL entry point/);
  });

  test('document symbols list the functions, labels and constants', () => {
    const names = service().documentSymbols(CAT_URI).map((x) => x.name);
    for (const n of ['_start', 'main', 'read_loop', 'done', 'fail', 'path', 'buf', 'SYS_read', 'BUFSIZE']) assert.ok(names.includes(n), n);
  });

  test('hover: instruction with flags, register width, syscall on the number and on syscall', () => {
    const s = service();
    const h1 = s.hover(CAT_URI, pos(CAT, 'testq'))!;
    assert.match(h1.markdown, /Logical compare/);
    assert.match(h1.markdown, /Flags written: .*ZF/);
    assert.match(h1.markdown, /undefined: AF/);
    const h2 = s.hover(CAT_URI, pos(CAT, '%eax, %edi', 0, 2))!;
    assert.match(h2.markdown, /32-bit/);
    const h3 = s.hover(CAT_URI, pos(CAT, '$SYS_read', 0, 3))!;
    assert.match(h3.markdown, /read\(unsigned int fd, void \*buf, size_t\)/);
    const sys = pos(CAT, 'syscall', 3); // the read's syscall (after the header's mentions)
    const h4 = s.hover(CAT_URI, sys)!;
    assert.match(h4.markdown, /System call \*\*0\*\*/);
  });

  test('inlay hints name each syscall whose number the source makes plain', () => {
    const hints = service().inlayHints(CAT_URI).map((h) => h.label.trim());
    assert.deepEqual(hints, ['exit_group', 'openat', 'read', 'write', 'close']);
  });

  test('folding: macro, repeat and conditional blocks, label sections, comment runs', () => {
    const src = [
      '# one', //                    0
      '# two',
      '# three',
      '        .macro SAVE reg', //   3
      '        .if 1',
      '        pushq \\reg',
      '        .else',
      '        nop',
      '        .endif', //            8
      '        .endm', //             9
      '        .text',
      'first:', //                   11
      '        .rept 2',
      '        nop',
      '        .endr', //             14
      '        ret',
      '',
      'second:', //                  17
      '        .endr', //             an unbalanced closer folds nothing
      '        ret',
    ].join('\n');
    const s = new AsmLanguageService();
    s.update('file:///fold.s', src);
    assert.deepEqual(s.foldingRanges('file:///fold.s'), [
      { startLine: 0, endLine: 2, kind: 'comment' },
      { startLine: 3, endLine: 9 },
      { startLine: 4, endLine: 8 },
      { startLine: 11, endLine: 15 },
      { startLine: 12, endLine: 14 },
      { startLine: 17, endLine: 19 },
    ]);
  });

  test('completion offers mnemonics, registers, directives and syscall numbers', () => {
    const s = service();
    s.update('file:///c.s', '        mov\n        movl $re\n        movl %r\n        .se\n', '/c.s');
    const mn = s.completion('file:///c.s', { line: 0, character: 11 }).map((c) => c.label);
    assert.ok(mn.includes('movq') && mn.includes('syscall'));
    const sc = s.completion('file:///c.s', { line: 1, character: 16 });
    const read = sc.find((c) => c.filterText === 'read');
    assert.equal(read?.insertText, '0');
    assert.ok(s.completion('file:///c.s', { line: 2, character: 16 }).some((c) => c.label === '%rax'));
    assert.ok(s.completion('file:///c.s', { line: 3, character: 11 }).some((c) => c.label === '.set'));
  });
});

describe('syscall stage of a call stack', () => {
  const label = { name: '── SYSCALL: ring 3 → ring 0 ──', presentationHint: 'label' };
  const user = [{ name: 'main' }, { name: '_start' }];
  test('each kernel function maps to its stage', () => {
    assert.equal(stageOfStack([{ name: 'entry_SYSCALL_64' }, label, ...user]), 'entry');
    assert.equal(stageOfStack([{ name: 'do_syscall_64' }, { name: 'entry_SYSCALL_64' }, label, ...user]), 'dispatch');
    assert.equal(stageOfStack([{ name: '__x64_sys_read' }, { name: 'x64_sys_call' }, { name: 'do_syscall_64' }, { name: 'entry_SYSCALL_64' }, label, ...user]), 'wrappers');
    assert.equal(stageOfStack([{ name: 'vfs_read' }, { name: 'ksys_read' }, { name: '__x64_sys_read' }, label, ...user]), 'handler');
    assert.equal(stageOfStack([{ name: 'copy_to_user' }, { name: 'vfs_read' }, { name: '__x64_sys_read' }, label, ...user]), 'copy');
    assert.equal(stageOfStack([{ name: 'syscall_exit_to_user_mode' }, { name: 'do_syscall_64' }, label, ...user]), 'exit');
    assert.equal(stageOfStack([{ name: 'syscall_return_via_sysret' }, label, ...user]), 'sysret');
    assert.equal(stageOfStack(user, { ring: 3 }), 'user');
    assert.equal(stageOfStack(user, { ring: 3, atSyscallInstruction: true }), 'syscall');
  });
  test('the adapter\'s $cpl text parses to a ring', () => {
    assert.equal(parseRing('0x0 (0)'), 0);
    assert.equal(parseRing('0x3 (3)'), 3);
    assert.equal(parseRing('3'), 3);
    assert.equal(parseRing('error'), undefined);
  });
});
