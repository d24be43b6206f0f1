// Web entry point (package.json "browser" → dist/browser.js), e.g. vscode.dev: the debug adapter
// runs inline in the extension host, sources are read through vscode.workspace.fs, and the
// language features run in-process. Nothing here may use Node-only APIs.

import type * as vscode from 'vscode';
import { activateCommon, type RingstepApi } from './activate';
import { createInlineAdapter, setInlineExtensionUri } from './inlineAdapter';
import { startInProcessLanguageFeatures } from './inProcessLanguage';

export function activate(context: vscode.ExtensionContext): RingstepApi {
  setInlineExtensionUri(context.extensionUri);
  return activateCommon(context, {
    kind: 'web',
    adapterModes: ['inline'],
    createAdapter: (session) => createInlineAdapter(session),
    startLanguageFeatures: startInProcessLanguageFeatures,
  });
}

export function deactivate(): void {
  // disposables registered on the context are released by VS Code
}
