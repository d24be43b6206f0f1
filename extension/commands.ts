// Commands that move files around: open the samples (copied to a folder the user picks), open the
// guest kernel's sources, copy them into the workspace to modify them. Only vscode.workspace.fs, so
// they work in the browser too.

import * as vscode from 'vscode';
import { DEBUG_TYPE } from './debugConfig';

const KERNEL_FILE = /\.(s|S|h|inc)$/;

/** Kernel source files shipped in the extension, as [path relative to the kernel root, uri]. */
export async function listKernelFiles(extensionUri: vscode.Uri): Promise<{ path: string; uri: vscode.Uri }[]> {
  const root = vscode.Uri.joinPath(extensionUri, 'emulator', 'kernel');
  const out: { path: string; uri: vscode.Uri }[] = [];
  async function walk(dir: vscode.Uri, rel: string): Promise<void> {
    let entries: [string, vscode.FileType][];
    try { entries = await vscode.workspace.fs.readDirectory(dir); } catch { return; }
    for (const [name, type] of entries.sort((a, b) => a[0].localeCompare(b[0]))) {
      const child = vscode.Uri.joinPath(dir, name);
      const childRel = rel ? `${rel}/${name}` : name;
      if (type & vscode.FileType.Directory) await walk(child, childRel);
      else if (KERNEL_FILE.test(name)) out.push({ path: childRel, uri: child });
    }
  }
  await walk(root, '');
  return out;
}

async function copyTree(from: vscode.Uri, to: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.createDirectory(to);
  for (const [name, type] of await vscode.workspace.fs.readDirectory(from)) {
    const src = vscode.Uri.joinPath(from, name);
    const dst = vscode.Uri.joinPath(to, name);
    if (type & vscode.FileType.Directory) await copyTree(src, dst);
    else await vscode.workspace.fs.writeFile(dst, await vscode.workspace.fs.readFile(src));
  }
}

/**
 * Copy the samples into `<chosen folder>/ringstep-samples` and open that folder in a new window.
 * Tests pass `target` and `{ open: false }`.
 */
export async function openSamples(extensionUri: vscode.Uri, target?: vscode.Uri, options: { open?: boolean } = {}): Promise<vscode.Uri | undefined> {
  let parent = target;
  if (!parent) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      openLabel: 'Copy samples here', title: 'Ringstep: where should the samples be copied?',
    });
    if (!picked?.[0]) return undefined;
    parent = picked[0];
  }
  const dest = target && options.open === false ? target : vscode.Uri.joinPath(parent, 'ringstep-samples');
  await copyTree(vscode.Uri.joinPath(extensionUri, 'samples'), dest);
  if (options.open !== false) await vscode.commands.executeCommand('vscode.openFolder', dest, { forceNewWindow: true });
  return dest;
}

/** Pick a kernel source file and open it (entry_64.S first: where SYSCALL lands). */
export async function openKernelSources(extensionUri: vscode.Uri, path?: string): Promise<vscode.TextEditor | undefined> {
  const files = await listKernelFiles(extensionUri);
  if (files.length === 0) {
    void vscode.window.showWarningMessage('Ringstep: the kernel sources are not part of this installation.');
    return undefined;
  }
  let chosen = path ? files.find((f) => f.path === path) : undefined;
  if (!chosen) {
    files.sort((a, b) => Number(!a.path.endsWith('entry_64.S')) - Number(!b.path.endsWith('entry_64.S')));
    const pick = await vscode.window.showQuickPick(files.map((f) => ({ label: f.path.slice(f.path.lastIndexOf('/') + 1), description: f.path, file: f })), {
      title: 'Ringstep: open a guest kernel source', matchOnDescription: true,
    });
    chosen = pick?.file;
  }
  if (!chosen) return undefined;
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(chosen.uri), { preview: false });
}

/**
 * Copy the kernel sources to `<workspace>/kernel` so the user can change them, and point the
 * workspace's ringstep launch configurations at the copy (`kernelSources`).
 */
export async function copyKernelSources(extensionUri: vscode.Uri, options: { folder?: vscode.Uri; updateLaunch?: boolean } = {}): Promise<vscode.Uri | undefined> {
  const ws = options.folder ? vscode.workspace.getWorkspaceFolder(options.folder) ?? { uri: options.folder } : vscode.workspace.workspaceFolders?.[0];
  if (!ws) {
    void vscode.window.showErrorMessage('Ringstep: open a folder first; the kernel sources are copied into it.');
    return undefined;
  }
  const dest = vscode.Uri.joinPath(ws.uri, 'kernel');
  try {
    await vscode.workspace.fs.stat(dest);
    if (options.updateLaunch === undefined) {
      const answer = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(dest)} exists. Replace it with the built-in kernel sources?`, { modal: true }, 'Replace');
      if (answer !== 'Replace') return undefined;
    }
  } catch { /* does not exist: fine */ }
  await copyTree(vscode.Uri.joinPath(extensionUri, 'emulator', 'kernel'), dest);

  let update = options.updateLaunch;
  if (update === undefined) {
    update = (await vscode.window.showInformationMessage(
      'Kernel sources copied to ./kernel. Use them in this workspace\'s Ringstep launch configurations?', 'Use them', 'Not now')) === 'Use them';
  }
  if (update) {
    const launch = vscode.workspace.getConfiguration('launch', ws.uri);
    const configs = (launch.get<vscode.DebugConfiguration[]>('configurations') ?? []).map((c) =>
      c.type === DEBUG_TYPE ? { ...c, kernelSources: '${workspaceFolder}/kernel' } : c);
    await launch.update('configurations', configs, vscode.ConfigurationTarget.WorkspaceFolder);
  }
  return dest;
}
