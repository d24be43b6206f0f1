// What the desktop entry (extension.ts) and the web entry (browser.ts) share: everything except how
// the debug adapter and the language features are started. No Node-only API here.

import * as vscode from 'vscode';
import { RingstepConfigurationProvider, debugThisProgram, DEBUG_TYPE, LANGUAGE_ID } from './debugConfig';
import { RingStatus, DebugWatcher } from './debugWatcher';
import { SyscallPathViewProvider } from './syscallPathView';
import { openSamples, openKernelSources, copyKernelSources, listKernelFiles } from './commands';

export type AdapterMode = 'process' | 'inline';

export interface KernelFile {
  uri: string;
  path: string;
  text: string;
}

export interface LanguageFeatures extends vscode.Disposable {
  /** resolves once the features answer requests */
  ready: Promise<void>;
}

export interface PlatformHooks {
  kind: 'desktop' | 'web';
  /** modes this platform can run; the first is the default for "auto" */
  adapterModes: AdapterMode[];
  createAdapter(session: vscode.DebugSession, mode: AdapterMode): vscode.DebugAdapterDescriptor;
  startLanguageFeatures(selector: vscode.DocumentFilter[], kernelFiles: KernelFile[]): LanguageFeatures;
}

/** What activate() returns: used by the integration tests (and by other extensions, read-only). */
export interface RingstepApi {
  platform: 'desktop' | 'web';
  /** where this activation runs, as shown in the Ringstep output channel and the ring tooltip */
  host: string;
  ringStatus: RingStatus;
  syscallPath: SyscallPathViewProvider;
  watcher: DebugWatcher;
  languageReady: Promise<void>;
  /** milliseconds from activate() being called to its return */
  activationMs: number;
  /** milliseconds from activate() being called until the language features answered (once ready) */
  languageReadyMs?: number;
  adapterModeFor(): AdapterMode;
}

export function documentSelector(): vscode.DocumentFilter[] {
  const serveAsm = vscode.workspace.getConfiguration('ringstep').get<boolean>('languageServer.serveAsm', false);
  const langs = serveAsm ? [LANGUAGE_ID, 'asm'] : [LANGUAGE_ID];
  return langs.map((language) => ({ language }));
}

async function readKernelFiles(extensionUri: vscode.Uri): Promise<KernelFile[]> {
  const decoder = new TextDecoder();
  const files = await listKernelFiles(extensionUri);
  return Promise.all(files.map(async (f) => ({ uri: f.uri.toString(), path: f.path, text: decoder.decode(await vscode.workspace.fs.readFile(f.uri)) })));
}

/**
 * Which extension host this code runs in, checked at run time rather than assumed from the entry:
 * a web worker's global object is a DedicatedWorkerGlobalScope, Node's is a plain Object.
 */
function describeHost(kind: PlatformHooks['kind']): string {
  const scope = (globalThis as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
  const inWorker = /WorkerGlobalScope$/.test(scope);
  const where = inWorker ? 'web worker extension host' : kind === 'web' ? 'web extension host' : 'Node extension host';
  return `${where} (${kind === 'web' ? 'browser' : 'desktop'} entry; global scope ${scope})`;
}

export function activateCommon(context: vscode.ExtensionContext, hooks: PlatformHooks): RingstepApi {
  const started = Date.now();
  const ext = context.extensionUri;
  const host = describeHost(hooks.kind);
  // make the host observable: people (and the UI tests) can tell which entry point is running
  const output = vscode.window.createOutputChannel('Ringstep');
  context.subscriptions.push(output);
  output.appendLine(`Ringstep activated in the ${host}; debug adapter modes: ${hooks.adapterModes.join(', ')}.`);
  void vscode.commands.executeCommand('setContext', 'ringstep.extensionHost', hooks.kind);

  // ---- debugging ----
  const configProvider = new RingstepConfigurationProvider();
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configProvider),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configProvider, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  );
  const adapterModeFor = (): AdapterMode => {
    const wanted = vscode.workspace.getConfiguration('ringstep').get<string>('debugAdapter.mode', 'auto');
    return hooks.adapterModes.includes(wanted as AdapterMode) ? (wanted as AdapterMode) : hooks.adapterModes[0];
  };
  context.subscriptions.push(vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
    createDebugAdapterDescriptor: (session) => hooks.createAdapter(session, adapterModeFor()),
  }));

  const ringStatus = new RingStatus();
  ringStatus.hostNote = host;
  const syscallPath = new SyscallPathViewProvider(ext);
  const watcher = new DebugWatcher(ringStatus, syscallPath);
  context.subscriptions.push(
    ringStatus,
    vscode.window.registerWebviewViewProvider(SyscallPathViewProvider.viewId, syscallPath, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, watcher),
  );

  // ---- commands ----
  context.subscriptions.push(
    vscode.commands.registerCommand('ringstep.debugThisProgram', (uri?: vscode.Uri) => debugThisProgram(uri)),
    vscode.commands.registerCommand('ringstep.openSamples', (target?: vscode.Uri, opts?: { open?: boolean }) => openSamples(ext, target, opts)),
    vscode.commands.registerCommand('ringstep.openKernelSources', (path?: string) => openKernelSources(ext, path)),
    vscode.commands.registerCommand('ringstep.copyKernelSources', (opts?: { folder?: vscode.Uri; updateLaunch?: boolean }) => copyKernelSources(ext, opts)),
    vscode.commands.registerCommand('ringstep.showSyscallPath', () => vscode.commands.executeCommand(`${SyscallPathViewProvider.viewId}.focus`)),
  );

  // ---- language features (started after the kernel files are read; restarted on setting change) ----
  let features: LanguageFeatures | undefined;
  let kernelFiles: KernelFile[] = [];
  const start = (): Promise<void> => {
    features?.dispose();
    features = hooks.startLanguageFeatures(documentSelector(), kernelFiles);
    return features.ready;
  };
  const languageReady = readKernelFiles(ext).then((k) => { kernelFiles = k; return start(); });
  context.subscriptions.push(
    { dispose: () => features?.dispose() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ringstep.languageServer')) void languageReady.then(start);
    }),
  );

  const api: RingstepApi = { platform: hooks.kind, host, ringStatus, syscallPath, watcher, languageReady, activationMs: Date.now() - started, adapterModeFor };
  void languageReady.then(() => { api.languageReadyMs = Date.now() - started; }, () => undefined);
  return api;
}
