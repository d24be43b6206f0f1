// Whole programs, built by `ringstep build` (our assembler and linker), run twice: natively on this
// Linux host and in the emulator under our guest kernel. Same stdout, same exit status, and — where
// strace is installed — the same strace lines for the syscalls we implement.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const work = join(root, '.tmp', 'cli-programs');
const ringstep = join(root, 'bin', 'ringstep.js');

interface Program {
  name: string;
  source: string;
  /** exit status a shell would report natively (128 + signal when killed) */
  expectedStatus?: number;
}

const programs: Program[] = [
  { name: 'hello', source: 'samples/hello/hello.s', expectedStatus: 0 },
  { name: 'cat-hostname', source: 'samples/cat-hostname/cat.s', expectedStatus: 0 },
  { name: 'go-syscall6', source: 'samples/go-syscall6/syscall6.s', expectedStatus: 0 },
  { name: 'efault', source: 'samples/efault/efault.s', expectedStatus: 0 },
  { name: 'seccomp', source: 'samples/seccomp/seccomp.s', expectedStatus: 159 },
  { name: 'segfault', source: 'samples/segfault/segfault.s', expectedStatus: 139 },
  { name: 'signal-handler', source: 'samples/signal-handler/signal.s', expectedStatus: 0 },
  { name: 'sysret-vs-iret', source: 'samples/sysret-vs-iret/sysret-vs-iret.s', expectedStatus: 0 },
  { name: 'fizzbuzz', source: 'test/programs/fizzbuzz.s', expectedStatus: 0 },
  { name: 'sieve', source: 'test/programs/sieve.s', expectedStatus: 205 },
  { name: 'recursion', source: 'test/programs/recursion.s', expectedStatus: 109 },
];

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  // a shell's view of the status: 128 + signal number when killed
  const status = r.status ?? (r.signal ? 128 + (require('node:os').constants.signals[r.signal] as number) : -1);
  return { stdout: r.stdout, stderr: r.stderr, status };
}

const haveStrace = spawnSync('strace', ['-V']).status === 0;

/**
 * strace lines for one run, without the execve line (the emulator has no execve). The process id
 * and the user id differ between the host and the guest (pid 1000, uid 1000), so both are replaced
 * by placeholders; everything else must match to the character.
 */
function straceLines(text: string): string[] {
  const lines = text.split('\n').filter((l) => l && !l.startsWith('execve('));
  const pid = lines.map((l) => /^getpid\(\)\s+=\s+(\d+)/.exec(l)?.[1]).find(Boolean);
  return lines.map((l) => {
    let out = l.replace(/\s+=\s+/, ' = ').replace(/si_uid=\d+/, 'si_uid=UID');
    if (pid) out = out.replace(new RegExp(`\\b${pid}\\b`, 'g'), 'PID');
    return out;
  });
}

describe('programs built by ringstep build: native vs emulated', () => {
  before(() => mkdirSync(work, { recursive: true }));
  for (const p of programs) {
    test(p.name, () => {
      const exe = join(work, p.name);
      const built = run(process.execPath, [ringstep, 'build', p.source, '-o', exe]);
      assert.equal(built.status, 0, `ringstep build failed:\n${built.stderr}`);
      assert.ok(existsSync(exe));

      const native = run(exe, []);
      if (p.expectedStatus !== undefined) assert.equal(native.status, p.expectedStatus, 'native exit status');

      // the guest sees the host's /etc/hostname so both runs print the same thing
      const emulated = run(process.execPath, [ringstep, 'run', exe, '--file', '/etc/hostname=/etc/hostname']);
      assert.equal(emulated.stdout, native.stdout, 'stdout');
      assert.equal(emulated.status, native.status, `exit status (stderr: ${emulated.stderr})`);

      if (haveStrace) {
        const traceFile = join(work, p.name + '.strace');
        run('strace', ['-o', traceFile, exe]);
        const expected = straceLines(readFileSync(traceFile, 'utf8'));
        const ours = run(process.execPath, [ringstep, 'run', exe, '--strace', '--file', '/etc/hostname=/etc/hostname']);
        const got = straceLines(ours.stderr);
        assert.deepEqual(got, expected, 'strace lines');
      }
    });
  }
});

test('cat-hostname prints the article\'s five strace lines', () => {
  const r = run(process.execPath, [ringstep, 'run', 'samples/cat-hostname', '--strace']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'myhost\n');
  const lines = r.stderr.trimEnd().split('\n');
  assert.deepEqual(lines, [
    'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3',
    'read(3, "myhost\\n", 262144)             = 7',
    'write(1, "myhost\\n", 7)                 = 7',
    'read(3, "", 262144)                     = 0',
    'close(3)                                = 0',
    'exit_group(0)                           = ?',
    '+++ exited with 0 +++',
  ]);
});

test('ringstep with bad input: clear errors, non-zero status, no crash', () => {
  const noFile = run(process.execPath, [ringstep, 'run', 'no/such/file.s']);
  assert.equal(noFile.status, 2);
  assert.match(noFile.stderr, /no such file/);
  const badOpt = run(process.execPath, [ringstep, 'run', 'samples/hello', '--frobnicate']);
  assert.equal(badOpt.status, 2);
  assert.match(badOpt.stderr, /unknown option --frobnicate/);
  const badMit = run(process.execPath, [ringstep, 'run', 'samples/hello', '--mitigations=pti,nonsense']);
  assert.equal(badMit.status, 2);
  assert.match(badMit.stderr, /unknown mitigation 'nonsense'/);
});
