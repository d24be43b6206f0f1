// Shared by the in-host tests: the extension's API, the workspace, waiting for events.
import * as vscode from 'vscode';
import type { RingstepApi } from '../../../extension/activate';

export const EXTENSION_ID = 'ringstep.ringstep';

export async function api(): Promise<RingstepApi> {
  const ext = vscode.extensions.getExtension<RingstepApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function workspaceRoot(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('the tests need a workspace folder (the samples)');
  return f.uri;
}

export function sampleUri(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), rel);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** 1-based line → 0-based index of the first line matching `re` at or after `fromLine0`. */
export function findLine(doc: vscode.TextDocument, re: RegExp, fromLine0 = 0): number {
  for (let i = fromLine0; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line matches ${re}`);
}
