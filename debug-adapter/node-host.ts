// The adapter's host on Node: launch files from the disk, and the kernel sources' folder so that
// kernel frames open real files (breakpoints set there map back by path suffix).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AdapterHost } from './session';
import type { LinkedImage } from '../emulator/asm/types';
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

// Assembled kernels are kept in the temp folder between adapter processes: assembling the kernel
// takes most of a second, loading it back a few milliseconds. The key covers the kernel sources
// (hashed by the session) and this adapter build (a hash of its bundle), so a rebuilt
// assembler never sees a stale image. JSON, addresses in hex, bytes in base64.
const CACHE_DIR = path.join(os.tmpdir(), 'ringstep-kernel-cache');

let cachedBuildId: string | undefined;

/** A hash of the running adapter bundle: any rebuild (a changed assembler) gets new entries. */
function buildId(): string {
  if (cachedBuildId) return cachedBuildId;
  try {
    cachedBuildId = crypto.createHash('sha1').update(fs.readFileSync(process.argv[1] ?? __filename)).digest('hex').slice(0, 16);
  } catch {
    cachedBuildId = 'unknown';
  }
  return cachedBuildId;
}

const hex = (v: bigint) => v.toString(16);
const big = (v: string) => BigInt('0x' + v);

function encode(image: LinkedImage): string {
  return JSON.stringify({
    entry: hex(image.entry),
    segments: image.segments.map((g) => ({
      ...g, vaddr: hex(g.vaddr), bytes: Buffer.from(g.bytes).toString('base64'),
      sections: g.sections.map((x) => ({ ...x, vaddr: hex(x.vaddr) })),
    })),
    symbols: image.symbols.map((x) => ({ ...x, address: hex(x.address) })),
    lines: image.lines.map((x) => ({ ...x, address: hex(x.address) })),
    references: image.references,
  });
}

function decode(text: string): LinkedImage {
  const j = JSON.parse(text);
  return {
    entry: big(j.entry),
    segments: j.segments.map((g: any) => ({
      ...g, vaddr: big(g.vaddr), bytes: new Uint8Array(Buffer.from(g.bytes, 'base64')),
      sections: g.sections.map((x: any) => ({ ...x, vaddr: big(x.vaddr) })),
    })),
    symbols: j.symbols.map((x: any) => ({ ...x, address: big(x.address) })),
    lines: j.lines.map((x: any) => ({ ...x, address: big(x.address) })),
    references: j.references,
  };
}

const kernelImages: NonNullable<AdapterHost['kernelImages']> = {
  async load(key) {
    try {
      return decode(await fs.promises.readFile(path.join(CACHE_DIR, `${buildId()}-${key}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  },
  async save(key, image) {
    await fs.promises.mkdir(CACHE_DIR, { recursive: true });
    const file = path.join(CACHE_DIR, `${buildId()}-${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, encode(image));
    await fs.promises.rename(tmp, file);
  },
};

export function nodeHost(): AdapterHost {
  return { files: nodeFiles, kernelSourceRoot: findKernelSources(), kernelImages };
}

