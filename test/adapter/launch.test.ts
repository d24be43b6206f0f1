// Launch configuration validation: every attribute, and errors that name the attribute.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { validateLaunchArgs, loadMachineOptions, DEFAULT_HISTORY, HostFiles } from '../../debug-adapter/launch';

describe('launch configuration', () => {
  test('defaults and every attribute', () => {
    const c = validateLaunchArgs({ type: 'ringstep', request: 'launch', name: 'x', program: 'a.s', __sessionId: 'abc' });
    assert.deepEqual(c.program, ['a.s']);
    assert.equal(c.stopOnEntry, false);
    assert.equal(c.strace, false);
    assert.equal(c.history, DEFAULT_HISTORY);
    const full = validateLaunchArgs({
      program: ['a.s', 'b.S'], args: ['x', 'y'], stopOnEntry: true, strace: true,
      mitigations: { pti: false, smap: true }, seed: 7, files: { '/etc/hostname': 'box\n', '/data': { hostPath: 'd.txt' } },
      maxInstructions: 1000, kernelSources: 'kernel', history: 0, cwd: '/w',
    });
    assert.deepEqual(full.mitigations, { pti: false, smap: true });
    assert.deepEqual(full.files['/data'], { hostPath: 'd.txt' });
    assert.deepEqual(full.files['/etc/hostname'], { text: 'box\n' });
    assert.equal(full.history, 0);
    assert.equal(full.seed, 7);
  });

  test('errors name the attribute', () => {
    const bad: [unknown, RegExp][] = [
      [{}, /'program' is required/],
      [{ program: 3 }, /'program' must be a path/],
      [{ program: [] }, /'program' must list/],
      [{ program: ['a.s', 4] }, /'program\[1\]'/],
      [{ program: 'a.s', args: 'x' }, /'args' must be an array/],
      [{ program: 'a.s', args: [1] }, /'args\[0\]'/],
      [{ program: 'a.s', stopOnEntry: 'yes' }, /'stopOnEntry' must be true or false/],
      [{ program: 'a.s', strace: 1 }, /'strace'/],
      [{ program: 'a.s', mitigations: { pti: 'off' } }, /'mitigations.pti' must be true or false/],
      [{ program: 'a.s', mitigations: { kpti: false } }, /'mitigations.kpti' is not a known mitigation/],
      [{ program: 'a.s', mitigations: [] }, /'mitigations' must be an object/],
      [{ program: 'a.s', seed: 1.5 }, /'seed' must be an integer/],
      [{ program: 'a.s', files: { 'rel/path': 'x' } }, /'files' key 'rel\/path'/],
      [{ program: 'a.s', files: { '/x': 5 } }, /'files\["\/x"\]'/],
      [{ program: 'a.s', maxInstructions: 0 }, /'maxInstructions' must be an integer >= 1/],
      [{ program: 'a.s', kernelSources: 5 }, /'kernelSources'/],
      [{ program: 'a.s', history: -1 }, /'history'/],
      [{ program: 'a.s', stopOnEntyr: true }, /unknown launch attribute 'stopOnEntyr'/],
      [null, /must be an object/],
    ];
    for (const [args, re] of bad) assert.throws(() => validateLaunchArgs(args), re, JSON.stringify(args));
  });

  test('program folders, ELF detection and host files', async () => {
    const tree: Record<string, string | Uint8Array | string[]> = {
      '/p': ['b.s', 'a.S', 'README.md'], '/p/a.S': 'A', '/p/b.s': 'B', '/e': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2]),
      '/d.txt': 'data', '/k': ['arch'], '/k/arch': ['x.S'], '/k/arch/x.S': 'K',
    };
    const host: HostFiles = {
      readFile: async (p) => { const v = tree[p]; if (v === undefined || Array.isArray(v)) throw new Error('ENOENT'); return typeof v === 'string' ? new TextEncoder().encode(v) : v; },
      listDir: async (p) => (Array.isArray(tree[p]) ? (tree[p] as string[]) : undefined),
      resolve: (p) => (p.startsWith('/') ? p : '/' + p),
      join: (d, n) => `${d}/${n}`,
    };
    const o = await loadMachineOptions(validateLaunchArgs({ program: '/p', files: { '/x': { hostPath: '/d.txt' } }, kernelSources: '/k' }), host);
    assert.equal(o.program.kind, 'sources');
    assert.deepEqual(o.program.kind === 'sources' && o.program.files.map((f) => f.name), ['/p/a.S', '/p/b.s']);
    assert.deepEqual(o.files!['/x'], new TextEncoder().encode('data'));
    assert.deepEqual(o.kernelSources, [{ name: 'arch/x.S', text: 'K' }]);
    const elf = await loadMachineOptions(validateLaunchArgs({ program: '/e' }), host);
    assert.equal(elf.program.kind, 'elf');
    await assert.rejects(loadMachineOptions(validateLaunchArgs({ program: '/missing.s' }), host), /attribute 'program': cannot read '\/missing.s'/);
    await assert.rejects(loadMachineOptions(validateLaunchArgs({ program: ['/e', '/p/a.S'] }), host), /ELF executable must be the only/);
  });
});
