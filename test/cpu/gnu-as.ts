// GNU as (an assembler nobody here wrote) for the CPU tests: AT&T source to an object file, or to
// the flat bytes of its .text, in .tmp/cpu/<dir>.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let counter = 0;

/** Assemble `src` with `as --64`; returns the path without extension (`.o` beside it). */
export function gnuAs(dir: string, name: string, src: string): string {
  const work = join(process.cwd(), '.tmp', 'cpu', dir);
  mkdirSync(work, { recursive: true });
  const base = join(work, `${name}_${process.pid}_${counter++}`);
  writeFileSync(base + '.s', src + '\n');
  execFileSync('as', ['--64', '-o', base + '.o', base + '.s']);
  return base;
}

/** The flat .text bytes of `src`, as objcopy extracts them. */
export function gnuAsFlat(dir: string, name: string, src: string): Uint8Array {
  const base = gnuAs(dir, name, src);
  execFileSync('objcopy', ['-O', 'binary', '-j', '.text', base + '.o', base + '.bin']);
  return new Uint8Array(readFileSync(base + '.bin'));
}
