// The Ringstep debug session: DAP requests in, calls on one emulated machine out; machine events
// (console bytes, strace lines, syscalls, ring crossings) back out as DAP events. One thread: the
// task running the user program, in either ring. Every request handler runs inside one try/catch
// (dispatchRequest), so a bad request gets an error response and never takes the adapter down.

import { DebugSession, InitializedEvent, TerminatedEvent, ExitedEvent, StoppedEvent, OutputEvent, ModuleEvent, Response, Event } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CreateMachine, Machine, MachineEvent, MachineOptions } from '../emulator/machine/api';
import type { LinkedImage, SourceFile } from '../emulator/asm/types';
import { createMachine as createRealMachine } from '../emulator/machine/machine';
import { kernelSources as builtinKernelSources } from '../emulator/kernel/index';
import { formatSyscall } from '../emulator/trace/strace';
import { HostFiles, LaunchConfig, LaunchError, loadMachineOptions, validateLaunchArgs } from './launch';
import { Depth, INNER, OUTER, Target } from './target';
import { describeUserFault, idtVector } from './faults';
import { AddressBreakpoint, BreakpointManager, EXCEPTION_FILTERS, FilterId, parseSyscallSet, validateHitCondition } from './breakpoints';
import { Outcome, Runner, ExceptionDetails } from './runner';
import { WalkedFrame, walkStack } from './stack';
import { Granularity, depthAfterStep, stepBack, stepInto, stepOut, stepOver } from './stepping';
import { VariableStore, scopes, setVariable, variableAddress, variables } from './variables';
import { EvalError, Value, assign, evaluate, formatValue, parse } from './expressions';
import { disassemble, parseAddress, readMemory, writeMemory } from './memory';
import { later, macrotask } from './yield';

const THREAD_ID = 1;

/**
 * Assembled kernels, shared by every session in this process (restart, the rebuild for syscall
 * catch points, several sessions on one --server): assembling the kernel is most of a launch.
 * Keyed by a hash of the kernel sources' names and text.
 */
const kernelCache = new Map<string, LinkedImage>();

function kernelKey(sources: SourceFile[]): string {
  let h = 0x811c9dc5, g = 0x01234567;
  for (const f of sources) {
    for (const text of [f.name, f.text]) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        h = Math.imul(h ^ c, 0x01000193) >>> 0;
        g = Math.imul(g ^ c, 0x5bd1e995) >>> 0;
      }
    }
  }
  return `${sources.length}-${h.toString(16)}-${g.toString(16)}`;
}

/** Assembler errors listed in a failed launch's message (the rest go to the Debug Console). */
const SHOWN_DIAGNOSTICS = 3;

/** Instructions the kernel may take to boot before the user program's first instruction. */
const BOOT_BUDGET = 50_000_000;

export interface AdapterHost {
  files: HostFiles;
  /** defaults to the real machine (emulator/machine/machine.ts) */
  createMachine?: CreateMachine;
  /** folder with the built-in kernel sources on disk, so frames open real files */
  kernelSourceRoot?: string;
  /** a store for assembled kernels that outlives the process (the Node host uses a temp folder) */
  kernelImages?: {
    load(key: string): Promise<LinkedImage | undefined>;
    save(key: string, image: LinkedImage): Promise<void>;
  };
}

type Handler = (args: any, response: DebugProtocol.Response) => unknown;

export const HELP_TEXT = `Ringstep debug console. Expressions (watch, hover, here):
  rax $rax %rax eax ax al ah r8d ...   registers at any width; $rip $pc $sp
  $cpl  $rflags.ZF  $cs $ss  $fs_base $gs_base $kernel_gs_base  $cr0..$cr4 $efer $lstar $star
  pt_regs->ax  pt_regs->orig_ax        the current task's saved frame on its kernel stack
  regs->di                             the pt_regs argument, while a register still holds it
  *(u64 *)($rsp + 8)   (char *)$rsi    casts (u8..u64 s8..s64 char int long, struct pt_regs *) and *
  &entry_SYSCALL_64   sys_call_table[0]   symbols of the user program and the kernel
  + - * / % << >> & | ^ ~ !  == != < <= > >=  && ||   numbers: 42 0x2a 0b101 'A'
  rax = 1   pt_regs->ax = -14   $rflags.CF = 1      assignment
Commands: help (this text).
Breakpoint conditions use the same expressions (rax == 1 && rdi == 3); logpoints interpolate {rax}.
Catch points (Breakpoints view): syscall entry / syscall exit (condition: read,write or 0,1),
ring transition, user fault (signal), kernel oops. Kernel memory is readable from ring 3 too.`;

function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function int(args: Record<string, unknown>, key: string, dflt?: number): number {
  const v = args[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`argument '${key}' must be an integer${v === undefined ? ' (missing)' : `, not ${JSON.stringify(v)}`}`);
  return v;
}

function str(args: Record<string, unknown>, key: string): string {
  const v = args[key];
  if (typeof v !== 'string') throw new Error(`argument '${key}' must be a string${v === undefined ? ' (missing)' : `, not ${JSON.stringify(v)}`}`);
  return v;
}

function optStr(args: Record<string, unknown>, key: string): string | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`argument '${key}' must be a string, not ${JSON.stringify(v)}`);
  return v;
}

function arr(args: Record<string, unknown>, key: string): unknown[] {
  const v = args[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`argument '${key}' must be an array, not ${JSON.stringify(v)}`);
  return v;
}

export class RingstepSession extends DebugSession {
  private host: AdapterHost;
  private cfg?: LaunchConfig;
  private machine?: Machine;
  private target?: Target;
  private runner?: Runner;
  private traced = false;
  private readonly bps = new BreakpointManager();
  private readonly store = new VariableStore();
  private state: 'new' | 'launching' | 'stopped' | 'running' | 'ended' = 'new';
  private configurationDone = false;
  private configurationDoneWaiters: (() => void)[] = [];
  private frames?: WalkedFrame[];
  private lastException?: ExceptionDetails;
  /** set when the machine has stopped for good (oops, instruction limit, halt) */
  private machineStoppedFor?: string;
  /** which line of a macro expansion the top frame shows (a depth in Target.chain) */
  private shown: Depth = OUTER;
  /** what the next stop shows when it is a plain end of step (computed at the stop) */
  private nextShown: Depth | (() => Depth) = OUTER;
  private output: { category: string; text: string }[] = [];
  private outputFlushScheduled = false;
  private decoders = new Map<number, TextDecoder>();
  private sourceRefs = new Map<number, string>();
  private sourceRefByName = new Map<string, number>();
  private kernelRoot?: string;
  private linesByFile?: Map<string, Set<number>>;

  constructor(host: AdapterHost) {
    super();
    this.host = host;
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ---- dispatch --------------------------------------------------------------------------------

  private readonly handlers: Record<string, Handler> = {
    initialize: (a) => this.initialize(a),
    launch: (a, r) => this.launch(a, r),
    attach: () => { throw new Error('ringstep only launches programs (request "launch")'); },
    configurationDone: () => this.onConfigurationDone(),
    setBreakpoints: (a) => this.setBreakpoints(a),
    setFunctionBreakpoints: (a) => this.setFunctionBreakpoints(a),
    setInstructionBreakpoints: (a) => this.setInstructionBreakpoints(a),
    setExceptionBreakpoints: (a) => this.setExceptionBreakpoints(a),
    breakpointLocations: (a) => this.breakpointLocations(a),
    dataBreakpointInfo: (a) => this.dataBreakpointInfo(a),
    setDataBreakpoints: (a) => this.setDataBreakpoints(a),
    threads: () => ({ threads: [{ id: THREAD_ID, name: this.threadName() }] }),
    stackTrace: (a) => this.stackTrace(a),
    scopes: (a) => this.scopes(a),
    variables: (a) => this.variables(a),
    setVariable: (a) => this.doSetVariable(a),
    evaluate: (a) => this.evaluate(a),
    setExpression: (a) => this.setExpression(a),
    continue: (a, r) => this.resume(r, () => this.runner!.runUntil(), 'continue', a),
    next: (a, r) => this.next(a, r),
    stepIn: (a, r) => this.stepIn(a, r),
    stepOut: (a, r) => this.resume(r, () => stepOut(this.target!, this.runner!), 'step', a),
    stepBack: (a, r) => this.stepBack(a, r),
    reverseContinue: (a, r) => this.resume(r, () => this.runner!.reverseUntil(), 'step', a, true),
    pause: () => this.pause(),
    exceptionInfo: () => this.exceptionInfo(),
    source: (a) => this.source(a),
    loadedSources: () => ({ sources: this.machine ? [...this.machine.sources.keys()].map((n) => this.sourceFor(n)!) : [] }),
    modules: () => this.modules(),
    readMemory: (a) => readMemory(this.requireStopped(), a),
    writeMemory: (a) => { const b = writeMemory(this.requireStopped(), a); this.invalidateStop(); return b; },
    disassemble: (a) => disassemble(this.requireStopped(), a, (f) => this.sourceFor(f)),
    restart: (a, r) => this.restart(a, r),
    terminate: () => this.terminate(),
    disconnect: (_a, r) => this.disconnect(r),
    cancel: () => undefined,
  };

  protected dispatchRequest(request: DebugProtocol.Request): void {
    const response = new Response(request);
    let handler: Handler | undefined;
    try {
      handler = Object.prototype.hasOwnProperty.call(this.handlers, request.command) ? this.handlers[request.command] : undefined;
    } catch { handler = undefined; }
    if (!handler) {
      this.fail(response, `unknown request '${String(request.command)}'`);
      return;
    }
    const args = isObject(request.arguments) ? request.arguments : {};
    let result: unknown;
    try {
      result = handler(args, response);
    } catch (e) {
      this.fail(response, e);
      return;
    }
    Promise.resolve(result).then(
      (body) => {
        if (this.responded.has(response)) return;
        if (body !== undefined) (response as DebugProtocol.Response).body = body;
        this.sendResponse(response);
      },
      (e) => {
        if (!this.responded.has(response)) this.fail(response, e);
      },
    );
  }

  private responded = new WeakSet<object>();

  /** Handlers that answer early (launch, continue, step) must not be answered twice. */
  public sendResponse(response: DebugProtocol.Response): void {
    if (this.responded.has(response)) return;
    this.responded.add(response);
    super.sendResponse(response);
  }

  private fail(response: DebugProtocol.Response, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    response.success = false;
    response.message = message;
    // Only a failed launch deserves a notification; a bad watch expression shows in place.
    const showUser = response.command === 'launch' || response.command === 'restart';
    response.body = { error: { id: 1, format: message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser } };
    this.sendResponse(response);
  }

  // ---- output ----------------------------------------------------------------------------------

  private emitOutput(text: string, category: string): void {
    const last = this.output[this.output.length - 1];
    if (last && last.category === category) last.text += text;
    else this.output.push({ category, text });
    if (!this.outputFlushScheduled) {
      this.outputFlushScheduled = true;
      later(() => this.flushOutput());
    }
  }

  private flushOutput(): void {
    this.outputFlushScheduled = false;
    const pending = this.output;
    this.output = [];
    for (const o of pending) this.sendEvent(new OutputEvent(o.text, o.category));
  }

  private console(text: string): void {
    this.emitOutput(text.endsWith('\n') ? text : text + '\n', 'console');
  }

  // ---- machine lifecycle -----------------------------------------------------------------------

  private initialize(args: DebugProtocol.InitializeRequestArguments): DebugProtocol.Capabilities {
    if (args.linesStartAt1 === false) this.setDebuggerLinesStartAt1(false);
    return {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsStepBack: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportTerminateDebuggee: true,
      supportsLoadedSourcesRequest: true,
      supportsModulesRequest: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ ...f })),
      supportsDataBreakpoints: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsInstructionBreakpoints: true,
      supportsSteppingGranularity: true,
      supportsBreakpointLocationsRequest: true,
      supportsCancelRequest: false,
      supportsValueFormattingOptions: false,
    };
  }

  private needsTrace(): boolean {
    return !!this.cfg?.strace || this.bps.filterOn('syscall-entry') || this.bps.filterOn('syscall-exit');
  }

  /** Build and boot a machine up to the user program's first instruction. */
  private async buildMachine(opts: MachineOptions): Promise<void> {
    const create = this.host.createMachine ?? createRealMachine;
    const kernelFiles = opts.kernelSources ?? builtinKernelSources();
    const key = kernelKey(kernelFiles);
    let cached = kernelCache.get(key);
    if (!cached && this.host.kernelImages) {
      try { cached = await this.host.kernelImages.load(key); } catch { cached = undefined; }
    }
    let machine: Machine;
    try {
      machine = create(cached ? { ...opts, kernelImage: cached } : opts);
    } catch (e) {
      throw new LaunchError(`the machine could not be built: ${(e as Error).message}`);
    }
    if (cached) {
      // A prebuilt kernel brings no source text: give the debugger the text it was built from.
      kernelCache.set(key, cached);
      for (const f of kernelFiles) if (!machine.sources.has(f.name)) machine.sources.set(f.name, f.text);
    } else if (!machine.diagnostics.some((d) => d.severity === 'error') && machine.kernelImage.lines.length) {
      kernelCache.set(key, machine.kernelImage);
      this.host.kernelImages?.save(key, machine.kernelImage).catch(() => undefined);
    }
    const errors = machine.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      // The launch error becomes a modal dialog: keep it short, and put the full list in the
      // Debug Console.
      const lines = errors.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);
      const inKernel = (file: string) => kernelFiles.some((f) => f.name === file);
      const what = errors.every((d) => inKernel(d.file)) ? 'the kernel' : 'the program';
      this.emitOutput(`${what} does not assemble: ${errors.length} error${errors.length === 1 ? '' : 's'}\n${lines.join('\n')}\n`, 'stderr');
      this.flushOutput();
      const more = lines.length > SHOWN_DIAGNOSTICS ? `\nand ${lines.length - SHOWN_DIAGNOSTICS} more (all of them are in the Debug Console)` : '';
      throw new LaunchError(`${what} does not assemble:\n${lines.slice(0, SHOWN_DIAGNOSTICS).join('\n')}${more}`);
    }
    if (this.runner) this.runner.generation++;
    this.machine = machine;
    this.traced = !!opts.strace;
    this.target = new Target(machine);
    this.runner = new Runner(this.target, this.bps, (text) => this.emitOutput(text, 'console'));
    // Instructions per stage of the syscall that just returned, for the Syscall Path view.
    this.runner.profiler.onProfile = (p) => { if (machine === this.machine) this.sendEvent(new Event('ringstep/syscallProfile', p)); };
    this.decoders.clear();
    this.linesByFile = undefined;
    this.userFiles = new Set(machine.userImage.lines.map((l) => l.file));
    machine.on((e) => this.onMachineEvent(machine, e));
    // Boot: run the kernel until it drops to ring 3 at the program's entry point.
    let left = BOOT_BUDGET;
    while (machine.cpu.cpl !== 3 && left > 0) {
      const r = machine.run(Math.min(left, 200_000), () => machine.cpu.cpl === 3);
      left -= 200_000;
      if (r.kind === 'breakpoint') break;
      if (r.kind !== 'budget') {
        const why = r.kind === 'fault' ? r.explanation : r.kind === 'oops' ? r.text : r.kind === 'limit' ? r.message : r.kind;
        throw new LaunchError(`the guest kernel did not reach user mode: ${why}`);
      }
      if (machine.cpu.cpl !== 3) await macrotask();
    }
    if (machine.cpu.cpl !== 3) throw new LaunchError('the guest kernel did not reach user mode within the boot budget');
    if (this.cfg && this.cfg.history > 0) machine.setRecording(true, this.cfg.history);
    this.machineStoppedFor = undefined;
    this.lastException = undefined;
    this.bps.reresolve((bp) => {
      if (bp.kind === 'line' && bp.file && bp.line !== undefined) return this.addressesFor(bp.file, bp.line);
      if (bp.kind === 'function' && bp.name) { const a = this.resolveFunction(bp.name); return a === undefined ? [] : [a]; }
      return undefined;
    });
    this.invalidateStop();
  }

  private onMachineEvent(machine: Machine, e: MachineEvent): void {
    if (machine !== this.machine || this.runner?.replaying) return;
    switch (e.kind) {
      case 'stdout': {
        let d = this.decoders.get(e.fd);
        if (!d) { d = new TextDecoder(); this.decoders.set(e.fd, d); }
        this.emitOutput(d.decode(e.bytes, { stream: true }), e.fd === 1 ? 'stdout' : 'stderr');
        return;
      }
      case 'strace':
        if (this.cfg?.strace) this.emitOutput(e.line + '\n', 'console');
        return;
      case 'syscall-entry':
      case 'syscall-exit': {
        const id = e.kind as 'syscall-entry' | 'syscall-exit';
        if (!this.bps.syscallFilterMatches(id, e.nr) || !this.runner) return;
        const reader = (a: bigint, n: number) => { const b = machine.readVirtual(a, n); return b.some((x) => x === null) ? null : Uint8Array.from(b as number[]); };
        let call: string;
        try {
          call = e.kind === 'syscall-entry'
            ? formatSyscall(e.nr, e.args, undefined, reader).replace(/\s+= \?$/, '')
            : `${e.name}(...) = ${BigInt.asIntN(64, e.result)}`;
        } catch { call = e.name; }
        const label = e.kind === 'syscall-entry' ? 'syscall entry' : 'syscall exit';
        this.runner.eventStop = { kind: 'stop', reason: 'exception', description: `${label}: ${call}`,
          exception: { exceptionId: label, description: `${label}: ${call}`, breakMode: 'always' } };
        return;
      }
      case 'ring': {
        if ((e.how === 'exception' || e.how === 'interrupt') && e.from === 3 && this.bps.filterOn('user-fault') && this.runner) {
          // int3/into arrive as software interrupts; vectors below 32 are exceptions either way.
          const vector = idtVector(this.target!, e.address);
          if (e.how === 'exception' || (vector >= 0 && vector < 32)) {
            // Described after delivery completes: the handler's first instruction, frame pushed.
            this.runner.eventStop = () => describeUserFault(this.target!, e.address, vector);
            return;
          }
        }
        if (!this.bps.filterOn('ring-transition') || !this.runner) return;
        const text = `${e.how.toUpperCase()}: ring ${e.from} → ring ${e.to}`;
        this.runner.eventStop = { kind: 'stop', reason: 'exception', description: text,
          exception: { exceptionId: 'ring transition', description: text, breakMode: 'always' } };
      }
    }
  }

  private async launch(raw: unknown, response: DebugProtocol.Response): Promise<void> {
    if (this.state !== 'new') throw new Error('launch was already requested; start a new session (or use restart)');
    this.state = 'launching';
    try {
      this.cfg = validateLaunchArgs(raw);
      const opts = await loadMachineOptions(this.cfg, this.host.files);
      this.kernelRoot = this.cfg.kernelSources ? this.host.files.resolve(this.cfg.kernelSources, this.cfg.cwd) : this.host.kernelSourceRoot;
      await this.buildMachine({ ...opts, strace: this.cfg.strace });
    } catch (e) {
      this.state = 'new';
      throw e;
    }
    this.sendModules();
    this.sendEvent(new InitializedEvent());
    await new Promise<void>((resolve) => {
      if (this.configurationDone) resolve();
      else this.configurationDoneWaiters.push(resolve);
    });
    // Syscall catch points need the kernel's ptrace reports, which are chosen at boot.
    if (this.needsTrace() && !this.traced) {
      const opts = await loadMachineOptions(this.cfg!, this.host.files);
      await this.buildMachine({ ...opts, strace: true });
    }
    this.sendResponse(response);
    this.state = 'stopped';
    this.shown = OUTER;
    if (this.cfg!.stopOnEntry) this.reportStop({ kind: 'stop', reason: 'entry', description: 'stopped at the program entry point' });
    else this.startRunning(() => this.runner!.runUntil(), 'continue');
  }

  private onConfigurationDone(): void {
    this.configurationDone = true;
    for (const w of this.configurationDoneWaiters.splice(0)) w();
  }

  private async restart(args: Record<string, unknown>, response: DebugProtocol.Response): Promise<void> {
    if (!this.cfg) throw new Error('nothing to restart: launch first');
    if (isObject(args.arguments)) this.cfg = validateLaunchArgs(args.arguments);
    this.runner!.generation++;
    const opts = await loadMachineOptions(this.cfg, this.host.files);
    await this.buildMachine({ ...opts, strace: this.needsTrace() });
    this.bps.dataBreakpoints.forEach((d) => (d.last = undefined));
    this.sendResponse(response);
    this.state = 'stopped';
    if (this.cfg.stopOnEntry) this.reportStop({ kind: 'stop', reason: 'entry', description: 'restarted' });
    else this.startRunning(() => this.runner!.runUntil(), 'continue');
  }

  private terminate(): void {
    if (this.runner) this.runner.generation++;
    this.state = 'ended';
    this.flushOutput();
    this.sendEvent(new TerminatedEvent());
  }

  private disconnect(response: DebugProtocol.Response): void {
    if (this.runner) this.runner.generation++;
    this.state = 'ended';
    this.flushOutput();
    this.sendResponse(response);
    this.shutdown();
  }

  // ---- execution -------------------------------------------------------------------------------

  private granularity(args: Record<string, unknown>): Granularity {
    const g = args.granularity;
    if (g === undefined) return 'line';
    if (g !== 'line' && g !== 'instruction' && g !== 'statement') throw new Error(`argument 'granularity' must be 'statement', 'line' or 'instruction', not ${JSON.stringify(g)}`);
    return g;
  }

  private requireMachine(): Target {
    if (!this.target || this.state === 'new') throw new Error('no program is loaded yet: send launch first');
    return this.target;
  }

  private requireStopped(): Target {
    const t = this.requireMachine();
    if (this.state === 'running') throw new Error('the program is running: pause it first');
    if (this.state === 'launching') throw new Error('the program is still starting (send configurationDone)');
    if (this.state === 'ended') throw new Error('the program has ended');
    return t;
  }

  private resume(response: DebugProtocol.Response, op: () => Promise<Outcome>, kind: 'continue' | 'step', args: Record<string, unknown>, reverse = false, show: Depth | (() => Depth) = OUTER): void {
    if (args.threadId !== undefined) int(args, 'threadId');
    this.requireStopped();
    if (reverse && this.machine!.historyLength === 0) {
      throw new Error(this.cfg!.history > 0 ? 'no recorded history to go back through yet' : 'reverse execution is off (launch attribute history: 0)');
    }
    if (kind === 'continue') response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    if (this.machineStoppedFor && !reverse) {
      // The machine stopped for good (an oops, a limit): going forward ends the session.
      this.console(`[ringstep] the machine cannot continue after ${this.machineStoppedFor}; ending the session (step back still works before this)`);
      this.state = 'ended';
      this.flushOutput();
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.machineStoppedFor = undefined;
    this.nextShown = show;
    this.startRunning(op, kind);
  }

  private startRunning(op: () => Promise<Outcome>, kind: 'continue' | 'step'): void {
    this.state = 'running';
    this.invalidateStop();
    this.runner!.pauseRequested = false;
    const gen = this.runner!.generation;
    // Let the response go out before the machine starts.
    later(() => {
      Promise.resolve().then(op).then(
        (o) => { if (gen === this.runner?.generation || o.kind !== 'cancelled') this.reportStop(o, kind); },
        (e) => {
          this.console(`[ringstep] internal error while running: ${(e as Error).stack ?? e}`);
          this.reportStop({ kind: 'stop', reason: 'exception', description: `internal error: ${(e as Error).message}` });
        },
      );
    });
  }

  private reportStop(o: Outcome, kind: 'continue' | 'step' = 'step'): void {
    this.flushOutput();
    if (o.kind === 'cancelled') return;
    if (o.kind === 'exited') {
      this.state = 'ended';
      this.console(`[ringstep] the program ${o.signal ? `was killed by ${o.signal}` : `exited with status ${o.status}`}`);
      this.flushOutput();
      this.sendEvent(new ExitedEvent(o.signal ? 128 + (o.status & 0x7f) : o.status));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    if (o.kind === 'ended') {
      this.machineStoppedFor = o.message;
      this.console(`[ringstep] ${o.message}`);
      this.lastException = { exceptionId: 'machine stopped', description: o.message, breakMode: 'always' };
      this.state = 'stopped';
      this.emitStopped('exception', o.message);
      return;
    }
    this.state = 'stopped';
    if (o.kind === 'goal') {
      this.shown = typeof this.nextShown === 'function' ? this.nextShown() : this.nextShown;
      this.emitStopped(kind === 'continue' ? 'pause' : 'step', undefined);
      return;
    }
    // A line breakpoint shows its own line, even inside a macro expansion.
    const bp = o.hitBreakpointIds?.length ? this.bps.lineBreakpointById(o.hitBreakpointIds[0]) : undefined;
    const bpDepth = bp ? this.target!.chain(this.target!.cpu.rip).findIndex((x) => x.file === bp.file && x.line === bp.line) : -1;
    this.shown = bpDepth >= 0 ? bpDepth : o.reason === 'step' ? (typeof this.nextShown === 'function' ? this.nextShown() : this.nextShown) : OUTER;
    if (o.exception) this.lastException = o.exception;
    if (o.exception?.exceptionId === 'kernel oops') this.machineStoppedFor = 'the kernel oops';
    this.emitStopped(o.reason, o.description, o.hitBreakpointIds, o.exception?.description);
  }

  private emitStopped(reason: string, description?: string, hitBreakpointIds?: number[], text?: string): void {
    this.invalidateStop();
    if (reason !== 'exception') this.lastException = undefined;
    this.flushOutput();
    const ev = new StoppedEvent(reason, THREAD_ID, text) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    if (description) ev.body.description = description;
    if (hitBreakpointIds?.length) ev.body.hitBreakpointIds = hitBreakpointIds;
    this.sendEvent(ev);
  }

  /**
   * Step Over. It keeps showing the same macro depth while execution stays inside the same
   * invocations; once it leaves them, it shows the lines they have in common (the outer file).
   */
  private next(args: Record<string, unknown>, response: DebugProtocol.Response): void {
    const g = this.granularity(args);
    const t = this.requireStopped();
    const at = this.shown;
    const before = t.chain(t.cpu.rip);
    const depthAfter = (): Depth => {
      const after = t.chain(t.cpu.rip);
      let common = 0;
      while (common < before.length && common < after.length && before[common].file === after[common].file && before[common].line === after[common].line) common++;
      return Math.min(at, Math.max(common, 0), Math.max(after.length - 1, 0));
    };
    this.resume(response, () => stepOver(t, this.runner!, g, at), 'step', args, false, depthAfter);
  }

  /**
   * Step Into. Shown at a macro invocation line, the current instruction already belongs to the
   * expansion: the step opens the macro one level (nothing executes), so the first instruction of
   * its body is not skipped. Otherwise one instruction at a time until the line changes.
   */
  private stepIn(args: Record<string, unknown>, response: DebugProtocol.Response): void {
    const g = this.granularity(args);
    const t = this.requireStopped();
    const chain = t.chain(t.cpu.rip);
    const depth = Math.min(this.shown, chain.length - 1);
    if (g !== 'instruction' && depth < chain.length - 1) {
      this.resume(response, async () => ({ kind: 'goal' }), 'step', args, false, depth + 1);
      return;
    }
    const shown = g === 'instruction' ? INNER : () => depthAfterStep(t, chain, depth);
    this.resume(response, () => stepInto(t, this.runner!, g), 'step', args, false, shown);
  }

  /** Step Back: by line, to the previous line as shown at the same macro depth. */
  private stepBack(args: Record<string, unknown>, response: DebugProtocol.Response): void {
    const g = this.granularity(args);
    const t = this.requireStopped();
    const chain = t.chain(t.cpu.rip);
    const at = this.shown;
    const shown = g === 'instruction' ? INNER : () => depthAfterStep(t, chain, at);
    this.resume(response, () => stepBack(t, this.runner!, g, at), 'step', args, true, shown);
  }

  private pause(): void {
    this.requireMachine();
    if (this.state === 'running') this.runner!.pauseRequested = true;
  }

  private invalidateStop(): void {
    this.frames = undefined;
    this.store.reset();
  }

  private threadName(): string {
    const p = this.cfg?.program[0];
    return p ? `task 1000 (${basename(p)})` : 'task 1000';
  }

  // ---- sources ---------------------------------------------------------------------------------

  private userFiles = new Set<string>();

  private isUserFile(name: string): boolean {
    return this.userFiles.has(name);
  }

  /** The DAP Source for a machine file name (user program path, or kernel path like arch/x86/entry/entry_64.S). */
  private sourceFor(name: string): DebugProtocol.Source | undefined {
    if (!this.machine) return undefined;
    const user = this.isUserFile(name) || /^([a-zA-Z]:)?[\\/]/.test(name);
    if (user) return { name: basename(name), path: name };
    if (this.kernelRoot) return { name: basename(name), path: this.host.files.join(this.kernelRoot, name), origin: 'kernel (ring 0)' };
    let ref = this.sourceRefByName.get(name);
    if (ref === undefined) {
      ref = this.sourceRefs.size + 1;
      this.sourceRefs.set(ref, name);
      this.sourceRefByName.set(name, ref);
    }
    return { name, sourceReference: ref, origin: 'kernel (ring 0)' };
  }

  /** The machine's name for a DAP Source (by reference, exact path, path under the kernel folder, or path suffix). */
  private fileFor(source: unknown): string | undefined {
    if (!isObject(source)) throw new Error(`argument 'source' must be an object with a path or sourceReference`);
    const m = this.requireMachine().machine;
    const ref = source.sourceReference;
    if (typeof ref === 'number' && ref > 0) return this.sourceRefs.get(ref);
    const path = source.path;
    if (typeof path !== 'string') throw new Error(`argument 'source' needs a 'path' or a 'sourceReference'`);
    if (m.sources.has(path)) return path;
    const norm = path.replace(/\\/g, '/');
    let best: string | undefined;
    for (const name of m.sources.keys()) {
      const n = name.replace(/\\/g, '/');
      if (norm === n || norm.endsWith('/' + n)) if (!best || n.length > best.length) best = name;
    }
    return best;
  }

  private source(args: Record<string, unknown>): DebugProtocol.SourceResponse['body'] {
    const m = this.requireMachine().machine;
    let name: string | undefined;
    const ref = args.sourceReference;
    if (typeof ref === 'number' && ref > 0) name = this.sourceRefs.get(ref);
    if (!name && isObject(args.source)) name = this.fileFor(args.source);
    if (!name) throw new Error(`no source with reference ${JSON.stringify(ref)}`);
    const content = m.sources.get(name);
    if (content === undefined) throw new Error(`no text for source '${name}'`);
    return { content, mimeType: 'text/x-asm' };
  }

  private sendModules(): void {
    for (const mod of this.modules().modules) this.sendEvent(new ModuleEvent('new', mod));
  }

  private modules(): DebugProtocol.ModulesResponse['body'] {
    if (!this.machine) return { modules: [], totalModules: 0 };
    const range = (img: Machine['userImage']) => {
      const exec = img.segments.filter((s) => s.exec);
      return exec.length ? `0x${exec[0].vaddr.toString(16)}` : undefined;
    };
    const modules: DebugProtocol.Module[] = [
      { id: 'user', name: 'user (ring 3)', path: this.cfg?.program[0], addressRange: range(this.machine.userImage), symbolStatus: 'symbols loaded' },
      { id: 'kernel', name: 'kernel (ring 0)', path: this.kernelRoot, addressRange: range(this.machine.kernelImage), symbolStatus: 'symbols loaded' },
    ];
    return { modules, totalModules: modules.length };
  }

  // ---- breakpoints -----------------------------------------------------------------------------

  private fileLines(file: string): Set<number> {
    if (!this.linesByFile) {
      this.linesByFile = new Map();
      const m = this.machine!;
      for (const l of [...m.userImage.lines, ...m.kernelImage.lines]) {
        if (!l.isCode) continue;
        const add = (f: string, n: number) => {
          let s = this.linesByFile!.get(f);
          if (!s) this.linesByFile!.set(f, (s = new Set()));
          s.add(n);
        };
        add(l.file, l.line);
        for (const x of l.expandedFrom) add(x.file, x.line);
      }
    }
    return this.linesByFile.get(file) ?? new Set();
  }

  /** Code addresses for file:line, including a macro invocation line's expansion. */
  private addressesFor(file: string, line: number): bigint[] {
    const m = this.machine!;
    const direct = m.addressesFor(file, line);
    if (direct.length) return direct;
    const first = [...m.userImage.lines, ...m.kernelImage.lines].find((l) => l.isCode && l.expandedFrom.some((x) => x.file === file && x.line === line));
    return first ? [first.address] : [];
  }

  private checkCondition(condition: string | undefined): string | undefined {
    if (!condition || !condition.trim()) return undefined;
    try { parse(condition); return undefined; } catch (e) { return `condition: ${(e as Error).message}`; }
  }

  private setBreakpoints(args: Record<string, unknown>): DebugProtocol.SetBreakpointsResponse['body'] {
    this.requireMachine();
    const file = this.fileFor(args.source);
    const requested = arr(args, 'breakpoints');
    const out: DebugProtocol.Breakpoint[] = [];
    const bps: AddressBreakpoint[] = [];
    const src = file ? this.sourceFor(file) : (args.source as DebugProtocol.Source);
    for (const [i, raw] of requested.entries()) {
      if (!isObject(raw) || typeof raw.line !== 'number') throw new Error(`argument 'breakpoints[${i}]' needs a numeric 'line'`);
      const wanted = this.convertClientLineToDebugger(raw.line);
      const bp: AddressBreakpoint = {
        id: this.bps.newId(), kind: 'line', addresses: [], verified: false, hits: 0, file,
        condition: optStr(raw, 'condition'), hitCondition: optStr(raw, 'hitCondition'), logMessage: optStr(raw, 'logMessage'),
      };
      if (!file) bp.message = 'this file is not part of the program or the kernel being debugged';
      else {
        const lines = this.fileLines(file);
        let line = wanted;
        while (line < wanted + 200 && !lines.has(line)) line++;
        if (!lines.has(line)) bp.message = `no code at or after line ${wanted}`;
        else {
          bp.addresses = this.addressesFor(file, line);
          bp.line = line;
          bp.verified = bp.addresses.length > 0;
          if (line !== wanted) bp.message = `line ${wanted} has no code; moved to line ${line}`;
        }
      }
      const bad = this.checkCondition(bp.condition) ?? validateHitCondition(bp.hitCondition);
      if (bad) { bp.verified = false; bp.message = bad; }
      bps.push(bp);
      out.push({
        id: bp.id, verified: bp.verified, line: this.convertDebuggerLineToClient(bp.line ?? wanted), source: src,
        ...(bp.message ? { message: bp.message } : {}),
        ...(bp.addresses[0] !== undefined ? { instructionReference: `0x${bp.addresses[0].toString(16)}` } : {}),
      });
    }
    if (file) this.bps.setLineBreakpoints(file, bps);
    return { breakpoints: out };
  }

  private breakpointLocations(args: Record<string, unknown>): DebugProtocol.BreakpointLocationsResponse['body'] {
    this.requireMachine();
    const file = this.fileFor(args.source);
    const line = this.convertClientLineToDebugger(int(args, 'line'));
    const end = args.endLine === undefined ? line : this.convertClientLineToDebugger(int(args, 'endLine'));
    if (!file) return { breakpoints: [] };
    const lines = this.fileLines(file);
    const out: DebugProtocol.BreakpointLocation[] = [];
    for (let l = line; l <= end && l < line + 100_000; l++) if (lines.has(l)) out.push({ line: this.convertDebuggerLineToClient(l) });
    return { breakpoints: out };
  }

  private resolveFunction(name: string): bigint | undefined {
    const m = this.machine!;
    const mm = /^\s*([A-Za-z_.$][\w.$]*)\s*(?:\+\s*(0x[0-9a-f]+|\d+))?\s*$/i.exec(name);
    if (!mm) return undefined;
    const sym = m.symbolByName(mm[1]);
    if (!sym) return undefined;
    return sym.address + (mm[2] ? BigInt(mm[2]) : 0n);
  }

  private setFunctionBreakpoints(args: Record<string, unknown>): DebugProtocol.SetFunctionBreakpointsResponse['body'] {
    this.requireMachine();
    const out: DebugProtocol.Breakpoint[] = [];
    const bps: AddressBreakpoint[] = [];
    for (const [i, raw] of arr(args, 'breakpoints').entries()) {
      if (!isObject(raw) || typeof raw.name !== 'string') throw new Error(`argument 'breakpoints[${i}]' needs a string 'name'`);
      const addr = this.resolveFunction(raw.name);
      const bp: AddressBreakpoint = {
        id: this.bps.newId(), kind: 'function', name: raw.name, addresses: addr === undefined ? [] : [addr], verified: addr !== undefined, hits: 0,
        condition: optStr(raw, 'condition'), hitCondition: optStr(raw, 'hitCondition'),
        message: addr === undefined ? `no function '${raw.name}' in the program or the kernel` : undefined,
      };
      const bad = this.checkCondition(bp.condition) ?? validateHitCondition(bp.hitCondition);
      if (bad) { bp.verified = false; bp.message = bad; }
      bps.push(bp);
      const line = addr !== undefined ? this.target!.displayLine(addr) : undefined;
      out.push({
        id: bp.id, verified: bp.verified, ...(bp.message ? { message: bp.message } : {}),
        ...(addr !== undefined ? { instructionReference: `0x${addr.toString(16)}` } : {}),
        ...(line ? { source: this.sourceFor(line.file), line: this.convertDebuggerLineToClient(line.line) } : {}),
      });
    }
    this.bps.setFunctionBreakpoints(bps);
    return { breakpoints: out };
  }

  private setInstructionBreakpoints(args: Record<string, unknown>): DebugProtocol.SetInstructionBreakpointsResponse['body'] {
    const t = this.requireMachine();
    const out: DebugProtocol.Breakpoint[] = [];
    const bps: AddressBreakpoint[] = [];
    for (const [i, raw] of arr(args, 'breakpoints').entries()) {
      if (!isObject(raw)) throw new Error(`argument 'breakpoints[${i}]' must be an object`);
      const addr = parseAddress(raw.instructionReference, `breakpoints[${i}].instructionReference`) + BigInt(typeof raw.offset === 'number' ? raw.offset : 0);
      const known = !!t.machine.symbolAt(addr) || t.isMapped(addr);
      const bp: AddressBreakpoint = {
        id: this.bps.newId(), kind: 'instruction', addresses: [addr], verified: known, hits: 0,
        condition: optStr(raw, 'condition'), hitCondition: optStr(raw, 'hitCondition'),
        message: known ? undefined : `nothing is loaded at 0x${addr.toString(16)}`,
      };
      const bad = this.checkCondition(bp.condition) ?? validateHitCondition(bp.hitCondition);
      if (bad) { bp.verified = false; bp.message = bad; }
      bps.push(bp);
      out.push({ id: bp.id, verified: bp.verified, instructionReference: `0x${addr.toString(16)}`, ...(bp.message ? { message: bp.message } : {}) });
    }
    this.bps.setInstructionBreakpoints(bps);
    return { breakpoints: out };
  }

  private setExceptionBreakpoints(args: Record<string, unknown>): DebugProtocol.SetExceptionBreakpointsResponse['body'] {
    const wanted = new Map<string, string | undefined>();
    for (const f of arr(args, 'filters')) {
      if (typeof f !== 'string') throw new Error(`argument 'filters' must list filter ids`);
      wanted.set(f, undefined);
    }
    for (const [i, o] of arr(args, 'filterOptions').entries()) {
      if (!isObject(o) || typeof o.filterId !== 'string') throw new Error(`argument 'filterOptions[${i}]' needs a 'filterId'`);
      wanted.set(o.filterId, optStr(o, 'condition'));
    }
    const out: DebugProtocol.Breakpoint[] = [];
    const filters = new Map<FilterId, { syscalls?: Set<number> }>();
    for (const [id, condition] of wanted) {
      const known = EXCEPTION_FILTERS.find((f) => f.filter === id);
      if (!known) { out.push({ verified: false, message: `unknown exception filter '${id}'` }); continue; }
      try {
        const syscalls = condition && (id === 'syscall-entry' || id === 'syscall-exit') ? parseSyscallSet(condition) : undefined;
        filters.set(known.filter, { syscalls });
        out.push({ verified: true });
      } catch (e) {
        out.push({ verified: false, message: (e as Error).message });
      }
    }
    this.bps.filters = filters;
    if (this.machine && this.state !== 'launching' && this.needsTrace() && !this.traced) {
      this.console('[ringstep] syscall catch points need the kernel\'s ptrace reports, chosen at boot: restart the session to use them');
    }
    return { breakpoints: out };
  }

  private dataBreakpointInfo(args: Record<string, unknown>): DebugProtocol.DataBreakpointInfoResponse['body'] {
    const t = this.requireStopped();
    const name = str(args, 'name');
    const none = (why: string) => ({ dataId: null, description: why });
    let target: { address: bigint; size: number; description: string } | undefined;
    if (typeof args.variablesReference === 'number' && args.variablesReference > 0) {
      target = variableAddress(this.store, t, args.variablesReference, name);
      if (!target) return none(`'${name}' is not in guest memory (registers cannot be watched; pt_regs fields can)`);
    } else if (args.asAddress === true) {
      const size = typeof args.bytes === 'number' && [1, 2, 4, 8].includes(args.bytes) ? args.bytes : 8;
      target = { address: parseAddress(name, 'name'), size, description: `${size} bytes at ${name}` };
    } else {
      let v: Value;
      try { v = evaluate(name, t.evalContext()); } catch (e) { return none((e as Error).message); }
      if (v.loc?.kind !== 'mem' || v.type.kind === 'struct' || v.type.kind === 'func' || v.type.kind === 'array') {
        return none(`'${name}' is not a value in guest memory`);
      }
      const size = v.type.kind === 'int' ? v.type.size : 8;
      target = { address: v.loc.address, size, description: name };
    }
    return {
      dataId: `0x${target.address.toString(16)}/${target.size}/${target.description}`,
      description: `${target.description} (${target.size} bytes at 0x${target.address.toString(16)})`,
      accessTypes: ['write'], canPersist: false,
    };
  }

  private setDataBreakpoints(args: Record<string, unknown>): DebugProtocol.SetDataBreakpointsResponse['body'] {
    const t = this.requireMachine();
    const out: DebugProtocol.Breakpoint[] = [];
    this.bps.dataBreakpoints = [];
    for (const [i, raw] of arr(args, 'breakpoints').entries()) {
      if (!isObject(raw) || typeof raw.dataId !== 'string') throw new Error(`argument 'breakpoints[${i}]' needs a string 'dataId'`);
      const m = /^(0x[0-9a-f]+)\/(\d+)\/(.*)$/is.exec(raw.dataId);
      if (!m) { out.push({ verified: false, message: `unknown dataId '${raw.dataId}'` }); continue; }
      if (raw.accessType !== undefined && raw.accessType !== 'write') {
        out.push({ verified: false, message: `only write access can be watched (the value is compared after each instruction)` });
        continue;
      }
      const id = this.bps.newId();
      const bad = this.checkCondition(optStr(raw, 'condition')) ?? validateHitCondition(optStr(raw, 'hitCondition'));
      if (bad) { out.push({ id, verified: false, message: bad }); continue; }
      const address = BigInt(m[1]), size = Number(m[2]);
      const bytes = t.read(address, size);
      let last: bigint | undefined = 0n;
      for (let k = size - 1; k >= 0; k--) { const b = bytes[k]; if (b === null) { last = undefined; break; } last = (last! << 8n) | BigInt(b); }
      this.bps.dataBreakpoints.push({ id, address, size, description: m[3], last, hits: 0, condition: optStr(raw, 'condition'), hitCondition: optStr(raw, 'hitCondition') });
      out.push({ id, verified: true, description: m[3] } as DebugProtocol.Breakpoint);
    }
    return { breakpoints: out };
  }

  // ---- inspection ------------------------------------------------------------------------------

  private walked(): WalkedFrame[] {
    if (!this.frames) this.frames = walkStack(this.target!);
    return this.frames;
  }

  private stackTrace(args: Record<string, unknown>): DebugProtocol.StackTraceResponse['body'] {
    const t = this.requireStopped();
    const start = int(args, 'startFrame', 0);
    const levels = int(args, 'levels', 0);
    const frames = this.walked();
    const picked = frames.slice(start, levels > 0 ? start + levels : undefined);
    const stackFrames: DebugProtocol.StackFrame[] = picked.map((f, k) => {
      const id = start + k + 1;
      const ring = `ring ${f.ring}`;
      if (f.kind === 'label') {
        return { id, name: f.label!, line: 0, column: 0, presentationHint: 'label', instructionPointerReference: `0x${f.pc.toString(16)}` };
      }
      const sym = t.machine.symbolAt(f.pc);
      const fname = f.func ?? (sym ? sym.symbol.name : `0x${f.pc.toString(16)}`);
      const line = t.displayLine(f.pc, start + k === 0 ? this.shown : OUTER);
      const frame: DebugProtocol.StackFrame = {
        id, name: `${fname} (${ring})`, line: 0, column: 0,
        instructionPointerReference: `0x${f.pc.toString(16)}`,
        moduleId: f.ring === 0 ? 'kernel' : 'user',
        presentationHint: 'normal',
      };
      if (line) {
        frame.source = this.sourceFor(line.file);
        frame.line = this.convertDebuggerLineToClient(line.line);
        frame.column = this.convertDebuggerColumnToClient(1);
      }
      return frame;
    });
    return { stackFrames, totalFrames: frames.length };
  }

  private scopes(args: Record<string, unknown>): DebugProtocol.ScopesResponse['body'] {
    const t = this.requireStopped();
    const id = int(args, 'frameId');
    if (id < 1 || id > this.walked().length) throw new Error(`no stack frame with id ${id}`);
    const frame = this.walked()[id - 1];
    return { scopes: scopes(this.store, t, frame.kind === 'frame' ? frame.ring : undefined) };
  }

  private variables(args: Record<string, unknown>): DebugProtocol.VariablesResponse['body'] {
    const t = this.requireStopped();
    const ref = int(args, 'variablesReference');
    if (this.store.expired(ref)) {
      // VS Code asks again for references of the previous stop when a pane is (un)folded after a
      // step, and when a step comes quickly after a stop; an error would pop up a toast. Their
      // values are gone: answer with nothing, quietly (VS Code asks again for this stop's).
      return { variables: [] };
    }
    return { variables: variables(this.store, t, ref) };
  }

  private doSetVariable(args: Record<string, unknown>): DebugProtocol.SetVariableResponse['body'] {
    const t = this.requireStopped();
    const v = setVariable(this.store, t, int(args, 'variablesReference'), str(args, 'name'), str(args, 'value'));
    this.frames = undefined;
    this.runner!.resyncData();
    return { value: v.value, type: v.type, variablesReference: v.variablesReference, memoryReference: v.memoryReference };
  }

  private describe(v: Value, expression: string): DebugProtocol.EvaluateResponse['body'] {
    const t = this.target!;
    const ctx = t.evalContext();
    const body: DebugProtocol.EvaluateResponse['body'] = { result: formatValue(v, ctx), type: v.type.name, variablesReference: 0 };
    if (v.type.kind === 'struct') body.variablesReference = this.store.add({ kind: 'ptregs', address: v.value, fromExpression: expression === 'pt_regs' ? undefined : `&${expression}` });
    else if (v.type.kind === 'ptr' && v.type.to.kind === 'struct') body.variablesReference = this.store.add({ kind: 'ptregs', address: v.value, fromExpression: `(struct pt_regs *)0x${v.value.toString(16)}` });
    else if (v.type.kind === 'array') body.variablesReference = this.store.add({ kind: 'array', address: v.value, length: v.type.length, expression });
    if (v.type.kind !== 'func' && !v.unavailable && v.value >= 0x1000n && t.isMapped(v.value)) body.memoryReference = `0x${v.value.toString(16)}`;
    else if (v.loc?.kind === 'mem') body.memoryReference = `0x${v.loc.address.toString(16)}`;
    return body;
  }

  private evaluate(args: Record<string, unknown>): DebugProtocol.EvaluateResponse['body'] {
    const expression = str(args, 'expression');
    if (args.context === 'repl' && /^\s*help\s*$/.test(expression)) return { result: HELP_TEXT, variablesReference: 0 };
    const t = this.requireStopped();
    const v = evaluate(expression, t.evalContext());
    if (/(^|[^=!<>])=([^=]|$)/.test(expression)) { this.frames = undefined; this.runner!.resyncData(); }
    return this.describe(v, expression.trim());
  }

  private setExpression(args: Record<string, unknown>): DebugProtocol.SetExpressionResponse['body'] {
    const t = this.requireStopped();
    const ctx = t.evalContext();
    const target = evaluate(str(args, 'expression'), ctx);
    const value = evaluate(str(args, 'value'), ctx);
    if (value.type.kind === 'struct') throw new EvalError('the new value must be a number');
    const after = assign(ctx, target, value.value);
    this.frames = undefined;
    this.runner!.resyncData();
    const d = this.describe(after, String(args.expression));
    return { value: d.result, type: d.type, variablesReference: d.variablesReference, memoryReference: d.memoryReference };
  }

  private exceptionInfo(): DebugProtocol.ExceptionInfoResponse['body'] {
    this.requireStopped();
    const e = this.lastException;
    if (!e) throw new Error('the program did not stop on an exception');
    return { exceptionId: e.exceptionId, description: e.description, breakMode: e.breakMode, details: e.details };
  }
}

