// The debug adapter inside the extension host (the web, or `ringstep.debugAdapter.mode: inline`):
// the adapter's session class, given a file reader built on vscode.workspace.fs.
// PLACEHOLDER until debug-adapter/session.ts lands.

import * as vscode from 'vscode';

export function createInlineAdapter(_session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
  throw new Error('Ringstep: the inline debug adapter is not available in this build');
}
