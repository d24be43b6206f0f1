// The adapter's host on Node: launch files from the disk, and the kernel sources' folder so that
// kernel frames open real files (breakpoints set there map back by path suffix).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AdapterHost } from './session';
import type { HostFiles } from './launch';

const nodeFiles: HostFiles = {
  readFile: async (p) => new Uint8Array(await fs.promises.readFile(p)),
  listDir: async (p) => {
    try {
      const st = await fs.promises.stat(p);
      return st.isDirectory() ? await fs.promises.readdir(p) : undefined;
    } catch {
      return undefined;
    }
  },
  resolve: (p, base) => path.resolve(base ?? process.cwd(), p),
  join: (dir, name) => path.join(dir, name),
};

/** The built-in kernel sources on disk (repo layout: dist/ next to emulator/kernel). */
function findKernelSources(): string | undefined {
  for (const candidate of [path.join(__dirname, '..', 'emulator', 'kernel'), path.join(__dirname, 'kernel')]) {
    if (fs.existsSync(path.join(candidate, 'arch'))) return candidate;
  }
  return undefined;
}

export function nodeHost(): AdapterHost {
  return { files: nodeFiles, kernelSourceRoot: findKernelSources() };
}

