// Debug configurations: fill in `program` from the active editor when there is no launch.json,
// offer initial configurations, and the "Debug This Program" command.

import * as vscode from 'vscode';

export const DEBUG_TYPE = 'ringstep';
export const LANGUAGE_ID = 'ringstep-asm';

function isAssembly(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && (doc.languageId === LANGUAGE_ID || doc.languageId === 'asm' || /\.[sS]$/.test(doc.uri.path));
}

/** A path the adapter can open: a file system path on the desktop, the URI string elsewhere. */
export function programPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

export class RingstepConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    const doc = vscode.window.activeTextEditor?.document;
    const rel = isAssembly(doc) && folder ? vscode.workspace.asRelativePath(doc.uri, false) : 'prog.s';
    return [{
      type: DEBUG_TYPE, request: 'launch', name: `Ringstep: ${rel}`,
      program: `\${workspaceFolder}/${rel}`, strace: true,
    }];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    // F5 with no launch.json: debug the assembly file in the active editor
    if (!config.type && !config.request && !config.name) {
      const doc = vscode.window.activeTextEditor?.document;
      if (isAssembly(doc)) {
        config.type = DEBUG_TYPE;
        config.request = 'launch';
        config.name = `Ringstep: ${basename(doc.uri.path)}`;
        config.program = programPath(doc.uri);
        config.strace = true;
      }
    }
    if (!config.program) {
      const doc = vscode.window.activeTextEditor?.document;
      if (isAssembly(doc)) config.program = programPath(doc.uri);
      else {
        void vscode.window.showErrorMessage('Ringstep: set "program" in the launch configuration, or open a .s file and press F5.');
        return undefined; // abort launch
      }
    }
    if (config.cwd === undefined && folder) config.cwd = programPath(folder.uri);
    return config;
  }

  /**
   * After ${workspaceFolder} & co. are substituted. They become plain paths (the folder URI's path),
   * which name the right file only when the workspace is on the `file` scheme. In a browser
   * workbench the workspace is e.g. vscode-remote:// (code-server) or vscode-vfs:// (vscode.dev),
   * and a plain path would reach the browser's own `file` provider. So there, absolute paths become
   * URI strings on the workspace folder's scheme, which the inline adapter reads through
   * vscode.workspace.fs and VS Code opens when they come back in stack frames.
   */
  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    const base = folder ?? vscode.workspace.workspaceFolders?.[0];
    if (!base || base.uri.scheme === 'file') return config;
    const toUriString = (p: unknown): unknown => (typeof p === 'string' && p.startsWith('/') ? base.uri.with({ path: p, query: '', fragment: '' }).toString() : p);
    config.program = Array.isArray(config.program) ? config.program.map(toUriString) : toUriString(config.program);
    config.cwd = toUriString(config.cwd);
    config.kernelSources = toUriString(config.kernelSources);
    if (config.files && typeof config.files === 'object') {
      for (const spec of Object.values(config.files as Record<string, unknown>)) {
        if (spec && typeof spec === 'object' && 'hostPath' in spec) (spec as { hostPath: unknown }).hostPath = toUriString((spec as { hostPath: unknown }).hostPath);
      }
    }
    return config;
  }
}

/** Command: debug the assembly file in the active editor (or the one the title button was on). */
export async function debugThisProgram(resource?: vscode.Uri): Promise<boolean> {
  const uri = resource ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showErrorMessage('Ringstep: open a .s or .S file first.');
    return false;
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE, request: 'launch', name: `Ringstep: ${basename(uri.path)}`, program: programPath(uri), strace: true,
  });
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
