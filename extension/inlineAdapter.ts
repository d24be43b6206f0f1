// The debug adapter inside the extension host (the web, or `ringstep.debugAdapter.mode: inline`):
// the adapter's own session class, given a file reader built on vscode.workspace.fs so it works
// for any workspace (file://, vscode-remote://, vscode-vfs:// ...). No Node-only API here.

import * as vscode from 'vscode';
import { RingstepSession } from '../debug-adapter/session';
import type { HostFiles } from '../debug-adapter/launch';

const HAS_SCHEME = /^[a-zA-Z][\w+.-]+:/;

/** A host path string: a URI string when it has a scheme, else a file system path. */
function toUri(p: string): vscode.Uri {
  return HAS_SCHEME.test(p) && !/^[a-zA-Z]:[\\/]/.test(p) ? vscode.Uri.parse(p) : vscode.Uri.file(p);
}

function joinPosix(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export const workspaceFsFiles: HostFiles = {
  async readFile(p) {
    return vscode.workspace.fs.readFile(toUri(p));
  },
  async listDir(p) {
    try {
      const uri = toUri(p);
      const st = await vscode.workspace.fs.stat(uri);
      if (!(st.type & vscode.FileType.Directory)) return undefined;
      return (await vscode.workspace.fs.readDirectory(uri)).map(([name]) => name);
    } catch {
      return undefined;
    }
  },
  resolve(p, base) {
    if (HAS_SCHEME.test(p) || p.startsWith('/')) return p;
    if (!base) return p;
    if (HAS_SCHEME.test(base)) return vscode.Uri.joinPath(vscode.Uri.parse(base), p).toString();
    return joinPosix(base, p);
  },
  join(dir, name) {
    if (HAS_SCHEME.test(dir)) return vscode.Uri.joinPath(vscode.Uri.parse(dir), name).toString();
    return joinPosix(dir, name);
  },
};

/** The kernel sources shipped in the extension, as a path the adapter can hand back in frames. */
function kernelRoot(extensionUri: vscode.Uri): string {
  const root = vscode.Uri.joinPath(extensionUri, 'emulator', 'kernel');
  return root.scheme === 'file' ? root.fsPath : root.toString();
}

let extensionUri: vscode.Uri | undefined;
export function setInlineExtensionUri(uri: vscode.Uri): void {
  extensionUri = uri;
}

export function createInlineAdapter(_session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
  const adapter = new RingstepSession({ files: workspaceFsFiles, kernelSourceRoot: extensionUri ? kernelRoot(extensionUri) : undefined });
  return new vscode.DebugAdapterInlineImplementation(adapter as unknown as vscode.DebugAdapter);
}
