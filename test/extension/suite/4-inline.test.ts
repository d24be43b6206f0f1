// The adapter inside the extension host (what the web entry uses): `ringstep.debugAdapter.mode:
// inline`, cat-hostname run to its end with strace lines in the Debug Console.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { api, waitFor, workspaceRoot, sampleUri } from './helpers';

describe('inline debug adapter', function () {
  this.timeout(120_000);

  after(async function () {
    await vscode.workspace.getConfiguration('ringstep').update('debugAdapter.mode', undefined, vscode.ConfigurationTarget.Global);
  });

  it('runs cat-hostname to its end inside the extension host', async function () {
    const a = await api();
    await vscode.workspace.getConfiguration('ringstep').update('debugAdapter.mode', 'inline', vscode.ConfigurationTarget.Global);
    assert.equal(a.adapterModeFor(), 'inline');
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const output: string[] = [];
    let exitCode: number | undefined;
    const reg = vscode.debug.registerDebugAdapterTrackerFactory('ringstep', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage(m: DebugProtocol.ProtocolMessage) {
          const ev = m as DebugProtocol.Event;
          if (m.type !== 'event') return;
          if (ev.event === 'output') output.push((ev as DebugProtocol.OutputEvent).body.output);
          if (ev.event === 'exited') exitCode = (ev as DebugProtocol.ExitedEvent).body.exitCode;
        },
      }),
    });
    try {
      const folder = vscode.workspace.getWorkspaceFolder(workspaceRoot());
      const ok = await vscode.debug.startDebugging(folder, {
        type: 'ringstep', request: 'launch', name: 'inline cat-hostname', program: sampleUri('cat-hostname/cat.s').fsPath, strace: true,
      });
      assert.ok(ok, 'the session started');
      await waitFor('the program to exit', () => exitCode !== undefined, 60_000);
      assert.equal(exitCode, 0);
      const text = output.join('');
      assert.match(text, /read\(3, "myhost\\n", 262144\)\s*= 7/);
    } finally {
      reg.dispose();
    }
  });
});
