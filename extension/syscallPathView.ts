// The "Syscall Path" view in the Run and Debug container: the article's diagram of a system call's
// way through the kernel, with the current stage highlighted and the instructions the last syscall
// spent in each stage. A webview with a strict Content-Security-Policy that draws with the theme's
// colours; it only receives state messages, it never sends commands back except "ready".

import * as vscode from 'vscode';
import { STAGES, type StageId, type SyscallProfile } from './stages';

export interface SyscallPathState {
  /** current stage, or undefined when no Ringstep session is stopped */
  stage?: StageId;
  /** the syscall in flight: number and name, when known */
  syscall?: { nr?: number; name?: string };
  /** instructions spent per stage by the last syscall that returned to user mode (the adapter's
   *  `ringstep/syscallProfile` event); kept while the next one runs */
  profile?: SyscallProfile;
  /** stages passed through in the current syscall, in order */
  visited: StageId[];
  ring?: number;
  /** a line of text under the diagram */
  note?: string;
}

export class SyscallPathViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'ringstep.syscallPath';
  private view?: vscode.WebviewView;
  private state: SyscallPathState = { visited: [] };
  /** Every state sent to the webview (tests read it; kept short). */
  readonly posted: SyscallPathState[] = [];
  private readonly changed = new vscode.EventEmitter<SyscallPathState>();
  readonly onDidPost = this.changed.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  get current(): SyscallPathState {
    return this.state;
  }

  get isResolved(): boolean {
    return !!this.view;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = this.html(view.webview);
    view.webview.onDidReceiveMessage((m: { type?: string }) => {
      if (m?.type === 'ready') void this.post();
    });
    view.onDidDispose(() => { this.view = undefined; });
    view.onDidChangeVisibility(() => { if (view.visible) void this.post(); });
  }

  update(state: SyscallPathState): void {
    this.state = state;
    this.posted.push(state);
    if (this.posted.length > 200) this.posted.splice(0, this.posted.length - 200);
    void this.post();
    this.changed.fire(state);
  }

  private async post(): Promise<void> {
    if (!this.view) return;
    await this.view.webview.postMessage({ type: 'state', state: this.state, stages: STAGES });
  }

  private html(webview: vscode.Webview): string {
    const nonce = makeNonce();
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const css = webview.asWebviewUri(vscode.Uri.joinPath(media, 'syscallPath.css'));
    const js = webview.asWebviewUri(vscode.Uri.joinPath(media, 'syscallPath.js'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
<title>Syscall Path</title>
</head>
<body>
<section id="summary" class="summary" aria-label="The last system call" hidden></section>
<p id="note" class="note"></p>
<div id="root" role="list" aria-label="Stages of a system call"></div>
<script nonce="${nonce}" src="${js}"></script>
</body>
</html>`;
  }
}

function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}
