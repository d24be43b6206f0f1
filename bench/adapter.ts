// Debug adapter benchmark (issue 4): launch → stop-on-entry, the round trip of a step
// (next → stopped → stackTrace → scopes → variables), guest instructions per second with and
// without recording for reverse execution, and memory per million recorded instructions (what
// the machine's history holds, Machine.historyBytes, over the instructions it can undo).
// DAP figures go through `node dist/debugAdapter.js` with DebugClient, like the tests.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMachine } from '../emulator/machine/machine';
import { BreakpointManager } from '../debug-adapter/breakpoints';
import { Runner } from '../debug-adapter/runner';
import { Target } from '../debug-adapter/target';
import { ROOT, frames, launch, lineOf, startClient, stopped } from '../test/adapter/dap';

const CAT = join(ROOT, 'samples', 'cat-hostname', 'cat.s');

// A loop that also stores to memory, so recording has memory to journal.
const LOOP = `
        .text
        .globl _start
_start:
        xorl    %ecx, %ecx
1:      incq    %rcx
        movq    %rcx, counter(%rip)
        addq    %rcx, %rax
        jmp     1b
        .bss
counter: .quad 0
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bootedLoop() {
  const m = createMachine({ program: { kind: 'sources', files: [{ name: 'loop.s', text: LOOP }] } });
  while (m.cpu.cpl !== 3) m.run(10_000, () => m.cpu.cpl === 3);
  return m;
}

/** Guest speed as the adapter runs it: Runner slices with the breakpoint/catch-point check
 *  before every instruction (the "user fault" filter on, as VS Code sets it by default). */
async function instructionsPerSecond(recording: boolean, total: number): Promise<{ ips: number; bytesPerMillion: number }> {
  const m = bootedLoop();
  if (recording) m.setRecording(true, total);
  const bps = new BreakpointManager();
  bps.filters.set('user-fault', {});
  const runner = new Runner(new Target(m), bps, () => undefined);
  const end = m.cpu.retired + BigInt(total);
  const start = performance.now();
  await runner.runUntil(() => m.cpu.retired >= end);
  const seconds = (performance.now() - start) / 1000;
  const bytesPerMillion = recording && m.historyLength > 0 ? ((m.historyBytes ?? 0) / m.historyLength) * 1e6 : 0;
  return { ips: total / seconds, bytesPerMillion };
}

/** Guest speed under Continue (no step goal, no data breakpoint, no breakpoint inside the loop):
 *  the runner lets the machine run whole blocks and check only breakpoint addresses. Paused by a
 *  timer after `ms`, as a user's pause would. */
async function continueSpeed(ms: number): Promise<number> {
  const m = bootedLoop();
  const bps = new BreakpointManager();
  bps.filters.set('user-fault', {});
  const runner = new Runner(new Target(m), bps, () => undefined);
  const before = m.cpu.retired;
  const start = performance.now();
  const timer = setTimeout(() => { runner.pauseRequested = true; }, ms);
  await runner.runUntil();
  clearTimeout(timer);
  return Number(m.cpu.retired - before) / ((performance.now() - start) / 1000);
}

export async function run(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};

  // Launch to stop-on-entry (the adapter process is already up, as in VS Code).
  const dc = await startClient();
  try {
    const t0 = performance.now();
    const entry = dc.waitForEvent('stopped');
    await launch(dc, { program: CAT, stopOnEntry: true });
    await entry;
    results['adapter.launch_to_entry_ms'] = performance.now() - t0;

    // Step round trips, at the read syscall and into the kernel (instruction steps).
    const line = lineOf(CAT, /^\s*syscall\b/, /^read_loop:/);
    await dc.setBreakpointsRequest({ source: { path: CAT }, breakpoints: [{ line }] });
    await stopped(dc, () => dc.continueRequest({ threadId: 1 }));
    // Into the kernel first: the entry path has enough instructions for every `next` below
    // (calls are stepped over whole) before sysretq.
    await stopped(dc, () => dc.stepInRequest({ threadId: 1 }));
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const s = performance.now();
      await stopped(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
      await frames(dc);
      const sc = (await dc.scopesRequest({ frameId: 1 })).body.scopes;
      await dc.variablesRequest({ variablesReference: sc[0].variablesReference });
      times.push(performance.now() - s);
    }
    results['adapter.step_round_trip_median_ms'] = median(times);
  } finally {
    await dc.stop();
  }

  const plain = await instructionsPerSecond(false, 4_000_000);
  const rec = await instructionsPerSecond(true, 1_000_000);
  results['adapter.instructions_per_s'] = plain.ips;
  results['adapter.instructions_per_s_recording'] = rec.ips;
  results['adapter.recording_speed_ratio'] = rec.ips / plain.ips;
  results['adapter.bytes_per_million_recorded'] = rec.bytesPerMillion;
  results['adapter.continue_instructions_per_s'] = await continueSpeed(1000);
  return results;
}

// Allow `node --import tsx bench/adapter.ts` on its own.
if (process.argv[1] && /bench[\\/]adapter\.ts$/.test(process.argv[1])) {
  run().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k}\t${v.toFixed(2)}`);
  });
}
