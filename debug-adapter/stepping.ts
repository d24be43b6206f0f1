// Stepping policy, by line and by instruction, across the ring boundary:
// - Step Into: one instruction at a time until the source line changes; `syscall` therefore stops
//   on entry_SYSCALL_64's first instruction in ring 0. On a macro invocation line it enters the
//   macro body.
// - Step Over: `call` runs until it returns to the next instruction with the same RSP; `syscall`
//   runs the whole system call and stops at the next user instruction; breakpoints in between
//   (kernel ones included) still stop. A macro invocation line counts as one line.
// - Step Out: to the caller found by the stack walker; from the outermost kernel frame, back to
//   ring 3 (the user instruction after `syscall`).
// - Step Back: the same rules, backwards through the machine's undo log.

import { macrotask } from './yield';
import type { Outcome, Runner } from './runner';
import { INNER } from './target';
import type { Depth, SourceLine, Target } from './target';
import { walkStack } from './stack';

export type Granularity = 'line' | 'instruction' | 'statement';

const yieldToEvents = macrotask;

function done(o: Outcome): boolean {
  return o.kind !== 'goal';
}

/** Step Into by line: one instruction at a time until the innermost line changes. */
export async function stepInto(t: Target, r: Runner, granularity: Granularity): Promise<Outcome> {
  const gen = r.generation;
  const key = t.lineKey(t.cpu.rip, 'into');
  for (let n = 1; ; n++) {
    const o = r.stepInstruction();
    if (done(o) || granularity === 'instruction') return o;
    if (t.lineKey(t.cpu.rip, 'into') !== key) return o;
    if (n % 5000 === 0) {
      await yieldToEvents();
      if (gen !== r.generation) return { kind: 'cancelled' };
      if (r.pauseRequested) { r.pauseRequested = false; return { kind: 'stop', reason: 'pause', description: 'paused' }; }
    }
  }
}

/** Run one instruction, treating `call` and `syscall` as a single step. */
async function stepOverInstruction(t: Target, r: Runner): Promise<Outcome> {
  const cpu = t.cpu;
  const rip = cpu.rip;
  const insn = t.decodeAt(rip);
  if (insn?.op === 'call') {
    const ret = rip + BigInt(insn.length);
    const sp = cpu.gpr[4];
    return r.runUntil((at) => at === ret && cpu.gpr[4] === sp);
  }
  if (insn?.op === 'syscall' && cpu.cpl === 3) {
    const ret = rip + BigInt(insn.length);
    return r.runUntil((at) => at === ret && cpu.cpl === 3);
  }
  return r.stepInstruction();
}

/**
 * Step Over by line: until the line being shown is no longer part of where execution is. Shown
 * at a macro invocation, that runs the whole expansion; shown inside a macro body, one body line.
 */
export async function stepOver(t: Target, r: Runner, granularity: Granularity, shown: Depth): Promise<Outcome> {
  const gen = r.generation;
  const start = t.displayLine(t.cpu.rip, shown);
  const startKey = t.lineKey(t.cpu.rip, 'into');
  const stillOnLine = (): boolean => {
    if (!start) return t.lineKey(t.cpu.rip, 'into') === startKey;
    return t.chain(t.cpu.rip).some((x) => x.file === start.file && x.line === start.line);
  };
  const ring = t.cpu.cpl;
  for (let n = 1; ; n++) {
    const o = await stepOverInstruction(t, r);
    if (done(o) || granularity === 'instruction') return o;
    if (t.cpu.cpl !== ring || !stillOnLine()) return o;
    if (n % 2000 === 0) {
      await yieldToEvents();
      if (gen !== r.generation) return { kind: 'cancelled' };
      if (r.pauseRequested) { r.pauseRequested = false; return { kind: 'stop', reason: 'pause', description: 'paused' }; }
    }
  }
}

export async function stepOut(t: Target, r: Runner): Promise<Outcome> {
  const cpu = t.cpu;
  const frames = walkStack(t).filter((f) => f.kind === 'frame');
  const caller = frames[1];
  if (cpu.cpl === 0 && (!caller || caller.ring === 3)) {
    // The outermost kernel frame returns to user space.
    return r.runUntil(() => cpu.cpl === 3);
  }
  if (!caller || caller.returnAddress === undefined || caller.slot === undefined) {
    return r.runUntil(); // outermost user frame: nothing to return to, run on
  }
  const ret = caller.returnAddress, sp = caller.slot + 8n;
  return r.runUntil((at) => at === ret && cpu.gpr[4] === sp);
}

/**
 * The macro-expansion depth a line step shows where it ends: the first level at which the new
 * location's chain of lines differs from the one shown before the step. Arriving at a macro
 * invocation from a plain line shows the invocation line (Step Into again opens it); moving
 * between lines of one macro body keeps showing the body.
 */
export function depthAfterStep(t: Target, before: SourceLine[], shown: Depth): Depth {
  const after = t.chain(t.cpu.rip);
  const seen = before.slice(0, Math.min(shown, before.length - 1) + 1);
  let common = 0;
  while (common < seen.length && common < after.length && seen[common].file === after[common].file && seen[common].line === after[common].line) common++;
  return Math.max(0, Math.min(common, after.length - 1));
}

/** Identity of the line shown at `depth`: the chain of invocation lines down to it. */
function lineAtDepth(t: Target, depth: Depth): string {
  const c = t.chain(t.cpu.rip);
  if (!c.length) return `@${t.cpu.rip}`;
  return c.slice(0, Math.min(depth, c.length - 1) + 1).map((x) => `${x.file}:${x.line}`).join(' > ');
}

/**
 * Step Back. By line it goes to the first instruction of the previous line as shown at the same
 * macro depth: from the line after a macro invocation, back to the invocation line (the start of
 * the whole expansion), not into the macro's last body line.
 */
export async function stepBack(t: Target, r: Runner, granularity: Granularity, shown: Depth = INNER): Promise<Outcome> {
  const m = t.machine;
  if (granularity === 'instruction') {
    if (!m.undo()) return { kind: 'stop', reason: 'step', description: 'reached the start of the recorded history' };
    return r.checkData(true) ?? { kind: 'goal' };
  }
  // Undo until the shown line changes, then keep undoing while the previous line (at the depth
  // where it differs) stays the same; one undo too far is redone by executing forward again.
  const before = t.chain(t.cpu.rip);
  const key = lineAtDepth(t, shown);
  let o = await r.reverseUntil(() => lineAtDepth(t, shown) !== key);
  if (done(o)) return o;
  const depth = depthAfterStep(t, before, shown);
  const prev = lineAtDepth(t, depth);
  o = await r.reverseUntil(() => lineAtDepth(t, depth) !== prev);
  if (o.kind === 'goal') {
    r.replaying = true; // went one past the start of the line: replay it
    try { r.stepInstruction(); } finally { r.replaying = false; }
    return { kind: 'goal' };
  }
  if (o.kind === 'stop' && o.reason === 'step') return { kind: 'goal' }; // history began inside the line
  return o;
}
