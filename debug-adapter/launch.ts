// Launch configuration: validation of the `launch` request's attributes (pure, no I/O) and turning
// a validated configuration into MachineOptions through a host file reader (Node on the desktop,
// vscode.workspace.fs in the browser). Every error names the attribute it is about.

import type { MachineOptions, Mitigations } from '../emulator/machine/api';
import type { SourceFile } from '../emulator/asm/types';

export const MITIGATION_NAMES: readonly (keyof Mitigations)[] = [
  'pti', 'ibrs', 'retbleed', 'bhi', 'verw', 'randomize_kstack_offset', 'smap', 'smep',
];

/** A guest file given as text, or as a host file read when the session launches. */
export type GuestFileSpec = { text: string } | { hostPath: string };

export interface LaunchConfig {
  /** host paths: .s/.S files, a folder of them, or one ELF executable */
  program: string[];
  args: string[];
  stopOnEntry: boolean;
  strace: boolean;
  mitigations: Partial<Mitigations>;
  seed?: number;
  files: Record<string, GuestFileSpec>;
  maxInstructions?: number;
  kernelSources?: string;
  /** instructions kept for reverse execution (0 turns recording off) */
  history: number;
  /** folder that relative paths are resolved against */
  cwd?: string;
}

// The machine keeps one undo record per instruction (what it overwrote: registers, memory bytes,
// device state). Measured by bench/adapter.ts at about 8 bytes per instruction of a simple loop,
// so a million instructions (hundreds of whole system calls) is on the order of 10 MB.
export const DEFAULT_HISTORY = 1_000_000;

/** Attributes VS Code (or other clients) add to every configuration; accepted and ignored. */
const CLIENT_ATTRIBUTES = new Set([
  'type', 'request', 'name', 'noDebug', 'presentation', 'preLaunchTask', 'postDebugTask',
  'internalConsoleOptions', 'debugServer', 'suppressMultipleSessionWarning', 'serverReadyAction',
  'console', 'env', 'envFile', 'outputCapture', 'timeout', 'trace',
]);

export class LaunchError extends Error {}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Validate the raw launch arguments. Throws LaunchError naming the attribute at fault. */
export function validateLaunchArgs(raw: unknown): LaunchConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new LaunchError('launch arguments must be an object');
  }
  const a = raw as Record<string, unknown>;
  const known = new Set([
    'program', 'args', 'stopOnEntry', 'strace', 'mitigations', 'seed', 'files', 'maxInstructions',
    'kernelSources', 'history', 'cwd',
  ]);
  for (const key of Object.keys(a)) {
    if (known.has(key) || CLIENT_ATTRIBUTES.has(key) || key.startsWith('__')) continue;
    throw new LaunchError(
      `unknown launch attribute '${key}' (ringstep understands: ${[...known].join(', ')})`,
    );
  }

  let program: string[];
  if (typeof a.program === 'string') {
    if (a.program.trim() === '') throw new LaunchError(`attribute 'program' must not be empty`);
    program = [a.program];
  } else if (Array.isArray(a.program)) {
    if (a.program.length === 0) throw new LaunchError(`attribute 'program' must list at least one file`);
    program = a.program.map((p, i) => {
      if (typeof p !== 'string' || p === '') {
        throw new LaunchError(`attribute 'program[${i}]' must be a non-empty string (a path), not ${typeName(p)}`);
      }
      return p;
    });
  } else if (a.program === undefined) {
    throw new LaunchError(`attribute 'program' is required: a .s/.S file, a list of them, a folder, or an ELF executable`);
  } else {
    throw new LaunchError(`attribute 'program' must be a path or a list of paths, not ${typeName(a.program)}`);
  }

  let args: string[] = [];
  if (a.args !== undefined) {
    if (!Array.isArray(a.args)) throw new LaunchError(`attribute 'args' must be an array of strings, not ${typeName(a.args)}`);
    args = a.args.map((s, i) => {
      if (typeof s !== 'string') throw new LaunchError(`attribute 'args[${i}]' must be a string, not ${typeName(s)}`);
      return s;
    });
  }

  const bool = (key: string, dflt: boolean): boolean => {
    const v = a[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw new LaunchError(`attribute '${key}' must be true or false, not ${typeName(v)}`);
    return v;
  };
  const integer = (key: string, min: number): number | undefined => {
    const v = a[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new LaunchError(`attribute '${key}' must be an integer >= ${min}, not ${typeof v === 'number' ? v : typeName(v)}`);
    }
    return v;
  };
  const path = (key: string): string | undefined => {
    const v = a[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new LaunchError(`attribute '${key}' must be a non-empty path string, not ${typeName(v)}`);
    return v;
  };

  const mitigations: Partial<Mitigations> = {};
  if (a.mitigations !== undefined) {
    const m = a.mitigations;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      throw new LaunchError(`attribute 'mitigations' must be an object of booleans (${MITIGATION_NAMES.join(', ')}), not ${typeName(m)}`);
    }
    for (const [k, v] of Object.entries(m)) {
      if (!(MITIGATION_NAMES as readonly string[]).includes(k)) {
        throw new LaunchError(`attribute 'mitigations.${k}' is not a known mitigation (known: ${MITIGATION_NAMES.join(', ')})`);
      }
      if (typeof v !== 'boolean') throw new LaunchError(`attribute 'mitigations.${k}' must be true or false, not ${typeName(v)}`);
      mitigations[k as keyof Mitigations] = v;
    }
  }

  const files: Record<string, GuestFileSpec> = {};
  if (a.files !== undefined) {
    const f = a.files;
    if (f === null || typeof f !== 'object' || Array.isArray(f)) {
      throw new LaunchError(`attribute 'files' must be an object mapping guest paths to text or { "hostPath": ... }, not ${typeName(f)}`);
    }
    for (const [guest, spec] of Object.entries(f)) {
      if (!guest.startsWith('/')) throw new LaunchError(`attribute 'files' key '${guest}' must be an absolute guest path (start with /)`);
      if (typeof spec === 'string') files[guest] = { text: spec };
      else if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof (spec as { hostPath?: unknown }).hostPath === 'string') {
        files[guest] = { hostPath: (spec as { hostPath: string }).hostPath };
      } else if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof (spec as { text?: unknown }).text === 'string') {
        files[guest] = { text: (spec as { text: string }).text };
      } else {
        throw new LaunchError(`attribute 'files["${guest}"]' must be the file's text or { "hostPath": "<host file>" }, not ${typeName(spec)}`);
      }
    }
  }

  return {
    program,
    args,
    stopOnEntry: bool('stopOnEntry', false),
    strace: bool('strace', false),
    mitigations,
    seed: integer('seed', 0),
    files,
    maxInstructions: integer('maxInstructions', 1),
    kernelSources: path('kernelSources'),
    history: integer('history', 0) ?? DEFAULT_HISTORY,
    cwd: path('cwd'),
  };
}

/** What the adapter needs from its host to read launch inputs. */
export interface HostFiles {
  readFile(path: string): Promise<Uint8Array>;
  /** entries of a folder (names only), or undefined when `path` is not a folder */
  listDir(path: string): Promise<string[] | undefined>;
  /** absolute form of `path` relative to `base` (or the process's folder) */
  resolve(path: string, base?: string): string;
  /** path joined with a relative name */
  join(dir: string, name: string): string;
}

const decoder = new TextDecoder();

function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

async function readOrFail(host: HostFiles, path: string, attribute: string): Promise<Uint8Array> {
  try {
    return await host.readFile(path);
  } catch (e) {
    throw new LaunchError(`attribute '${attribute}': cannot read '${path}': ${(e as Error).message}`);
  }
}

/** Kernel source files below a folder, by their path relative to it (arch/x86/entry/entry_64.S). */
async function readTree(host: HostFiles, root: string, rel: string, out: SourceFile[]): Promise<void> {
  const dir = rel ? host.join(root, rel) : root;
  const entries = await host.listDir(dir);
  if (!entries) return;
  for (const name of entries.sort()) {
    const relName = rel ? `${rel}/${name}` : name;
    const full = host.join(root, relName);
    const sub = await host.listDir(full);
    if (sub) await readTree(host, root, relName, out);
    else if (/\.(s|S|h|inc)$/.test(name)) out.push({ name: relName, text: decoder.decode(await host.readFile(full)) });
  }
}

/** Read everything the configuration names and build the machine's options. */
export async function loadMachineOptions(cfg: LaunchConfig, host: HostFiles): Promise<MachineOptions> {
  const paths: string[] = [];
  for (const p of cfg.program) {
    const abs = host.resolve(p, cfg.cwd);
    const entries = await host.listDir(abs);
    if (entries) {
      const sources = entries.filter((n) => /\.(s|S)$/.test(n)).sort();
      if (sources.length === 0) throw new LaunchError(`attribute 'program': folder '${abs}' holds no .s or .S files`);
      for (const n of sources) paths.push(host.join(abs, n));
    } else paths.push(abs);
  }
  const first = await readOrFail(host, paths[0], 'program');
  let program: MachineOptions['program'];
  if (isElf(first)) {
    if (paths.length > 1) throw new LaunchError(`attribute 'program': an ELF executable must be the only program file`);
    program = { kind: 'elf', name: paths[0], bytes: first };
  } else {
    const files: SourceFile[] = [{ name: paths[0], text: decoder.decode(first) }];
    for (const p of paths.slice(1)) {
      const bytes = await readOrFail(host, p, 'program');
      if (isElf(bytes)) throw new LaunchError(`attribute 'program': '${p}' is an ELF executable; it must be the only program file`);
      files.push({ name: p, text: decoder.decode(bytes) });
    }
    program = { kind: 'sources', files };
  }

  const files: Record<string, string | Uint8Array> = {};
  for (const [guest, spec] of Object.entries(cfg.files)) {
    files[guest] = 'text' in spec ? spec.text : await readOrFail(host, host.resolve(spec.hostPath, cfg.cwd), `files["${guest}"]`);
  }

  let kernelSources: SourceFile[] | undefined;
  if (cfg.kernelSources) {
    const root = host.resolve(cfg.kernelSources, cfg.cwd);
    if (!(await host.listDir(root))) throw new LaunchError(`attribute 'kernelSources': '${root}' is not a folder`);
    kernelSources = [];
    await readTree(host, root, '', kernelSources);
    if (kernelSources.length === 0) throw new LaunchError(`attribute 'kernelSources': '${root}' holds no kernel source files`);
  }

  return {
    program,
    args: cfg.args,
    files,
    mitigations: cfg.mitigations,
    seed: cfg.seed,
    maxInstructions: cfg.maxInstructions,
    kernelSources,
    strace: cfg.strace,
  };
}
