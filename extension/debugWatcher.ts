// Watches Ringstep debug sessions through a DebugAdapterTracker (standard DAP only): on every stop
// it reads the current privilege level with `evaluate $cpl` and the call stack from the stackTrace
// response VS Code asks for, then updates the ring status bar item and the Syscall Path view.

import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { STAGES, stageOfStack, type StageId, type SyscallProfile } from './stages';
import { parseRing } from './ringParse';
import type { SyscallPathViewProvider } from './syscallPathView';

const STAGE_ORDER = new Map(STAGES.map((s, i) => [s.id, i]));

export class RingStatus {
  readonly item: vscode.StatusBarItem;
  /** the last ring shown, for tests */
  ring: number | undefined;
  /** where the extension runs, e.g. "web worker extension host (browser entry)": ends the tooltip */
  hostNote = '';

  constructor() {
    this.item = vscode.window.createStatusBarItem('ringstep.ring', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Ringstep: privilege level';
    this.item.command = 'ringstep.showSyscallPath';
  }

  show(ring: number | undefined, running = false): void {
    this.ring = ring;
    const where = ring === 0 ? 'kernel' : ring === 3 ? 'user' : '?';
    this.item.text = ring === undefined ? '$(debug) Ring ?' : `$(${ring === 0 ? 'shield' : 'person'}) Ring ${ring} · ${where}${running ? ' (running)' : ''}`;
    this.item.tooltip = ring === 0
      ? 'The CPU is in ring 0 (CPL 0): kernel code of the emulated machine.'
      : ring === 3 ? 'The CPU is in ring 3 (CPL 3): user code.' : 'Current privilege level unknown';
    if (this.hostNote) this.item.tooltip += `\nRingstep runs in the ${this.hostNote}.`;
    this.item.backgroundColor = ring === 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  hide(): void {
    this.ring = undefined;
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}

interface SessionState {
  stage?: StageId;
  visited: StageId[];
  syscall?: { nr?: number; name?: string };
  /** the last syscall's instructions per stage, from the adapter */
  profile?: SyscallProfile;
  /** a stackTrace response is awaited after a stop */
  awaitingStack: boolean;
  lastTopFrameId?: number;
  inSyscall: boolean;
}

export class DebugWatcher implements vscode.DebugAdapterTrackerFactory {
  private sessions = new Map<string, SessionState>();
  private readonly out = new vscode.EventEmitter<{ session: vscode.DebugSession; ring?: number; stage?: StageId }>();
  /** fires after each stop has been turned into a ring and a stage (tests wait on it) */
  readonly onDidUpdate = this.out.event;

  constructor(private readonly status: RingStatus, private readonly view: SyscallPathViewProvider) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const state: SessionState = { visited: [], awaitingStack: false, inSyscall: false };
    this.sessions.set(session.id, state);
    return {
      onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => { void this.onMessage(session, state, m); },
      onWillStopSession: () => this.end(session),
      onExit: () => this.end(session),
      onError: () => undefined,
    };
  }

  private end(session: vscode.DebugSession): void {
    if (!this.sessions.delete(session.id)) return;
    if (this.sessions.size === 0) {
      this.status.hide();
      this.view.update({ visited: [], note: 'The debug session ended.' });
    }
  }

  private async onMessage(session: vscode.DebugSession, state: SessionState, m: DebugProtocol.ProtocolMessage): Promise<void> {
    if (m.type === 'event') {
      const ev = m as DebugProtocol.Event;
      if (ev.event === 'stopped') state.awaitingStack = true;
      else if (ev.event === 'continued') this.status.show(this.status.ring, true);
      else if (ev.event === 'ringstep/syscallProfile') {
        // sent when a syscall returns to user mode (before the stop that follows, if any)
        const body = ev.body as SyscallProfile | undefined;
        if (body && Array.isArray(body.stages) && typeof body.total === 'number') {
          state.profile = body;
          this.publish(state);
        }
      }
      return;
    }
    if (m.type !== 'response') return;
    const r = m as DebugProtocol.Response;
    if (r.command !== 'stackTrace' || !r.success || !state.awaitingStack) return;
    const frames = ((r as DebugProtocol.StackTraceResponse).body?.stackFrames ?? []);
    // VS Code first asks for the top frame only, then for more; use the first answer that has frames
    if (frames.length === 0) return;
    state.awaitingStack = false;
    await this.afterStop(session, state, frames);
  }

  private async afterStop(session: vscode.DebugSession, state: SessionState, frames: DebugProtocol.StackFrame[]): Promise<void> {
    const top = frames[0];
    state.lastTopFrameId = top.id;
    let ring: number | undefined;
    try {
      const res = await session.customRequest('evaluate', { expression: '$cpl', frameId: top.id, context: 'watch' });
      ring = parseRing(String(res?.result ?? ''));
    } catch {
      ring = undefined;
    }
    // If we could not ask, fall back to the stack: kernel frames mean ring 0.
    let stage: StageId;
    const atSyscall = ring !== 0 && (await this.isSyscallLine(top));
    stage = stageOfStack(frames, { ring, atSyscallInstruction: atSyscall, afterSyscall: state.inSyscall });
    if (ring === undefined) ring = STAGES.find((s) => s.id === stage)?.ring;

    if (stage === 'syscall') {
      state.visited = ['user', 'syscall'];
      state.inSyscall = false;
    } else if ((STAGES.find((s) => s.id === stage)?.ring ?? 3) === 0) {
      if (!state.inSyscall) { state.visited = ['user', 'syscall']; state.inSyscall = true; }
      // entry_SYSCALL_64 after do_syscall_64 returned tests its answer (the SYSRET checks): exit
      // work, as the adapter's profile counts it (stageOfKernelInstruction)
      const reached = Math.max(...state.visited.map((v) => STAGE_ORDER.get(v) ?? 0));
      if (stage === 'entry' && reached >= (STAGE_ORDER.get('dispatch') ?? 0)) stage = (await this.pastLabel(session, top, 'syscall_return_via_sysret')) ? 'sysret' : 'exit';
    } else if (state.inSyscall) {
      stage = 'back';
      state.inSyscall = false;
    } else if (stage === 'user') {
      state.visited = [];
    }
    if (!state.visited.includes(stage)) state.visited.push(stage);
    state.stage = stage;
    if (stage !== 'back' && stage !== 'user') await this.readSyscall(session, state, top.id);

    this.status.show(ring);
    this.publish(state, ring);
    this.out.fire({ session, ring, stage });
  }

  private publish(state: SessionState, ring?: number): void {
    this.view.update({
      stage: state.stage, visited: [...state.visited], syscall: state.syscall, profile: state.profile, ring: ring ?? this.status.ring,
    });
  }

  /** The syscall in flight, from the adapter's `orig_ax` (in the kernel) or rax (on the instruction). */
  private async readSyscall(session: vscode.DebugSession, state: SessionState, frameId: number): Promise<void> {
    const expr = state.stage === 'syscall' ? '$rax' : 'pt_regs->orig_ax';
    try {
      const res = await session.customRequest('evaluate', { expression: expr, frameId, context: 'watch' });
      const text = String(res?.result ?? '');
      const num = /^(0x[0-9a-f]+|-?\d+)/i.exec(text.trim());
      if (num) {
        const nr = Number(BigInt(num[1]) & 0xffffffffn);
        const { describeSyscall } = await import('./server/syscallInfo');
        state.syscall = { nr, name: describeSyscall(nr)?.name };
      }
    } catch {
      // pt_regs not yet pushed (first entry instructions): keep what we had
    }
  }

  /** Whether the frame's instruction pointer is at or after a kernel label (labels inside a function
   *  do not show in frame names). */
  private async pastLabel(session: vscode.DebugSession, frame: DebugProtocol.StackFrame, label: string): Promise<boolean> {
    try {
      const res = await session.customRequest('evaluate', { expression: `&${label}`, frameId: frame.id, context: 'watch' });
      const at = /^(0x[0-9a-f]+|\d+)/i.exec(String(res?.result ?? '').trim());
      if (!at || !frame.instructionPointerReference) return true;
      return BigInt(frame.instructionPointerReference) >= BigInt(at[1]);
    } catch {
      return true;
    }
  }

  private async isSyscallLine(frame: DebugProtocol.StackFrame): Promise<boolean> {
    const path = frame.source?.path;
    if (!path || !frame.line) return false;
    try {
      const uri = /^[a-z][\w+.-]+:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? vscode.Uri.parse(path) : vscode.Uri.file(path);
      const doc = await vscode.workspace.openTextDocument(uri);
      const text = doc.lineAt(Math.max(0, frame.line - 1)).text.replace(/#.*/, '');
      return /^\s*(?:[\w.$]+:\s*)*syscall\b/i.test(text);
    } catch {
      return false;
    }
  }
}
