// The committed sources.generated.ts must equal what scripts/gen-kernel-bundle.mjs renders now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error -- a plain .mjs script without type declarations
import { renderBundle } from '../../scripts/gen-kernel-bundle.mjs';
import { kernelSources, kernelUnits, kernelReadInclude } from '../../emulator/kernel/index';

test('sources.generated.ts is in sync with emulator/kernel', () => {
  const committed = readFileSync('emulator/kernel/sources.generated.ts', 'utf8');
  assert.equal(committed, renderBundle(), 'run: node scripts/gen-kernel-bundle.mjs');
});

test('kernelSources names are Linux paths; every .include resolves', () => {
  const files = kernelSources();
  assert.ok(files.some((f) => f.name === 'arch/x86/entry/entry_64.S'));
  assert.ok(files.every((f) => !f.name.startsWith('/') && !f.name.includes('\\')));
  const read = kernelReadInclude(files);
  for (const f of kernelUnits(files)) {
    for (const m of f.text.matchAll(/^\s*\.include\s+"([^"]+)"/gm)) {
      assert.ok(read(m[1], f.name), `${f.name}: cannot resolve ${m[1]}`);
    }
  }
});
