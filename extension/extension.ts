// Desktop entry point (package.json "main" → dist/extension.js): the debug adapter as its own Node
// process by default (a runaway guest never blocks the extension host), the language server as a
// Node process through vscode-languageclient.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { activateCommon, type PlatformHooks, type RingstepApi, type KernelFile } from './activate';
import { createInlineAdapter, setInlineExtensionUri } from './inlineAdapter';

export function activate(context: vscode.ExtensionContext): RingstepApi {
  const dist = path.join(context.extensionPath, 'dist');
  setInlineExtensionUri(context.extensionUri);
  const hooks: PlatformHooks = {
    kind: 'desktop',
    adapterModes: ['process', 'inline'],
    createAdapter(session, mode) {
      if (mode === 'inline') return createInlineAdapter(session);
      // process.execPath is VS Code's own runtime: Electron on the desktop (run as plain Node with
      // ELECTRON_RUN_AS_NODE), Node itself under code-server's extension host.
      return new vscode.DebugAdapterExecutable(process.execPath, [path.join(dist, 'debugAdapter.js')], {
        env: { ELECTRON_RUN_AS_NODE: '1' },
        cwd: session.workspaceFolder?.uri.scheme === 'file' ? session.workspaceFolder.uri.fsPath : undefined,
      });
    },
    startLanguageFeatures(selector, kernelFiles: KernelFile[]) {
      const module = path.join(dist, 'languageServer.js');
      const serverOptions: ServerOptions = {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
      };
      const config = vscode.workspace.getConfiguration('ringstep.languageServer');
      const clientOptions: LanguageClientOptions = {
        documentSelector: selector.map((f) => ({ language: f.language ?? 'ringstep-asm', scheme: f.scheme, pattern: typeof f.pattern === 'string' ? f.pattern : undefined })),
        initializationOptions: {
          kernelFiles,
          diagnostics: config.get<boolean>('diagnostics', true),
          inlayHints: config.get<boolean>('inlayHints', true),
        },
      };
      const client = new LanguageClient('ringstep-asm', 'Ringstep Assembly', serverOptions, clientOptions);
      const ready = client.start();
      return { ready, dispose: () => { void client.stop().catch(() => undefined); } };
    },
  };
  return activateCommon(context, hooks);
}

export function deactivate(): void {
  // disposables registered on the context are released by VS Code
}
