// The contributions a user reaches from the command palette and the Run and Debug view.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, workspaceRoot, waitFor } from './helpers';

describe('commands and contributions', function () {
  before(async function () { await api(); });

  it('activates quickly and registers every command', async function () {
    const a = await api();
    const all = await vscode.commands.getCommands(true);
    for (const c of ['ringstep.debugThisProgram', 'ringstep.openSamples', 'ringstep.openKernelSources', 'ringstep.copyKernelSources', 'ringstep.showSyscallPath']) {
      assert.ok(all.includes(c), c);
    }
    await a.languageReady;
    console.log(`      activation: activate() ${a.activationMs} ms; language server ready after ${a.languageReadyMs} ms`);
  });

  it('copies the samples to a chosen folder', async function () {
    const target = vscode.Uri.joinPath(workspaceRoot(), '..', 'samples-copy-' + Date.now());
    const dest = await vscode.commands.executeCommand<vscode.Uri>('ringstep.openSamples', target, { open: false });
    assert.ok(dest);
    const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(dest!, 'cat-hostname', 'cat.s'));
    assert.equal(stat.type, vscode.FileType.File);
    await vscode.workspace.fs.delete(dest!, { recursive: true });
  });

  it('opens the kernel\'s entry_64.S', async function () {
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('ringstep.openKernelSources', 'arch/x86/entry/entry_64.S');
    assert.ok(editor, 'an editor');
    assert.match(editor!.document.getText(), /entry_SYSCALL_64/);
    assert.equal(editor!.document.languageId, 'ringstep-asm');
  });

  it('copies the kernel sources into the workspace and points the launch configurations at them', async function () {
    const dest = await vscode.commands.executeCommand<vscode.Uri>('ringstep.copyKernelSources', { updateLaunch: true });
    assert.ok(dest);
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(dest!, 'arch', 'x86', 'entry', 'entry_64.S'));
    const configs = vscode.workspace.getConfiguration('launch', workspaceRoot()).get<{ type: string; kernelSources?: string }[]>('configurations') ?? [];
    assert.ok(configs.length > 0 && configs.every((c) => c.type !== 'ringstep' || c.kernelSources === '${workspaceFolder}/kernel'));
    // put things back for the debugging tests
    const launch = vscode.workspace.getConfiguration('launch', workspaceRoot());
    await launch.update('configurations', configs.map(({ kernelSources: _k, ...rest }) => rest), vscode.ConfigurationTarget.WorkspaceFolder);
    await vscode.workspace.fs.delete(dest!, { recursive: true });
  });

  it('shows the Syscall Path view in Run and Debug', async function () {
    const a = await api();
    await vscode.commands.executeCommand('ringstep.showSyscallPath');
    await waitFor('the Syscall Path webview to resolve', () => a.syscallPath.isResolved);
  });
});
