// Instructions per stage of each system call, for the Syscall Path view. From the SYSCALL
// instruction to the SYSRET or IRET that returns to ring 3, every retired ring-0 instruction is
// counted for the stage of the kernel function containing it (stages.ts: the same table the view
// uses). When the syscall returns, the profile goes to `onProfile` (the session sends it as the
// custom DAP event `ringstep/syscallProfile`).
//
// The runner calls observe(rip) before instructions while a syscall is open. Counting is done with
// the CPU's retired-instruction counter: everything retired since the previous observation is
// charged to the stage observed then. So observing the same instruction twice changes nothing, a
// faulting instruction that did not retire costs nothing, and the stages always add up to the
// total; a missed observation could only move a count between stages, never lose it.

import type { Machine, MachineEvent } from '../emulator/machine/api';
import { syscallName } from '../emulator/trace/syscalls';
import { STAGES, isPastDispatch, stageOfKernelFunction, stageOfKernelInstruction, type SyscallProfile } from './stages';

export type { SyscallProfile };

export interface CodeRange {
  start: bigint;
  end: bigint;
  /** index into STAGES before and after do_syscall_64 ran */
  stage: number;
  stagePastDispatch: number;
}

const STAGE_INDEX = new Map<string, number>(STAGES.map((s, i) => [s.id, i]));
const ENTRY = STAGE_INDEX.get('entry')!;
const PAST_DISPATCH = STAGES.map((s) => isPastDispatch(s.id));

export class SyscallProfiler {
  /** true between a SYSCALL and its return to ring 3; observe() is only needed then */
  open = false;
  onProfile: ((p: SyscallProfile) => void) | undefined;

  private readonly ranges: CodeRange[];
  private cached: CodeRange | undefined;
  private nr = 0;
  private startRetired = 0;
  private lastRetired = 0;
  /** stage index of the last observed instruction, -1 before the first */
  private lastStage = -1;
  private pastDispatch = false;
  private counts: number[] = [];

  constructor(private readonly machine: Machine, private readonly replaying: () => boolean = () => false) {
    this.ranges = kernelCodeRanges(machine);
    machine.on((e) => this.onMachineEvent(e));
  }

  /** Before the instruction at `rip` executes (cheap when the address is in the last function seen). */
  observe(rip: bigint): void {
    const now = this.machine.cpu.retiredCount;
    if (now < this.lastRetired) { this.open = false; return; } // stepped back: this syscall's count is void
    this.charge(now);
    let r = this.cached;
    if (!r || rip < r.start || rip >= r.end) r = this.cached = this.lookup(rip);
    const stage = r ? (this.pastDispatch ? r.stagePastDispatch : r.stage) : STAGE_INDEX.get('handler')!;
    if (PAST_DISPATCH[stage]) this.pastDispatch = true;
    this.lastStage = stage;
  }

  private charge(now: number): void {
    const n = now - this.lastRetired;
    if (n > 0) this.counts[this.lastStage < 0 ? ENTRY : this.lastStage] += n;
    this.lastRetired = now;
  }

  private onMachineEvent(e: MachineEvent): void {
    if (e.kind !== 'ring' || this.replaying()) return;
    const cpu = this.machine.cpu;
    if (e.how === 'syscall') {
      // The event comes while SYSCALL executes: RAX still holds the number, and SYSCALL itself
      // (a ring-3 instruction) retires after this.
      this.open = true;
      this.nr = Number(BigInt.asIntN(32, cpu.gpr[0]));
      this.startRetired = cpu.retiredCount;
      this.lastRetired = cpu.retiredCount + 1;
      this.lastStage = -1;
      this.pastDispatch = false;
      this.counts = STAGES.map(() => 0);
    } else if (e.to === 3 && this.open && (e.how === 'sysret' || e.how === 'iret')) {
      // While SYSRET/IRET executes: it retires after this event and is the last ring-0 instruction.
      this.open = false;
      const now = cpu.retiredCount;
      this.charge(now + 1);
      const profile: SyscallProfile = {
        nr: this.nr,
        name: syscallName(this.nr),
        total: now - this.startRetired,
        stages: STAGES.map((s, i) => ({ id: s.id, instructions: this.counts[i] })).filter((s) => s.instructions > 0),
        exit: e.how,
      };
      this.onProfile?.(profile);
    }
  }

  private lookup(rip: bigint): CodeRange | undefined {
    const rs = this.ranges;
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (rip < rs[mid].start) hi = mid - 1;
      else if (rip >= rs[mid].end) lo = mid + 1;
      else return rs[mid];
    }
    return undefined;
  }
}

/**
 * The kernel's code cut at every symbol in an executable section (functions and inner labels such
 * as syscall_return_via_sysret), each piece with its stage. Sorted by address, for binary search.
 */
export function kernelCodeRanges(machine: Machine): CodeRange[] {
  const img = machine.kernelImage;
  const execSections = img.segments.filter((s) => s.exec).flatMap((s) => s.sections);
  const inExec = (a: bigint) => execSections.some((s) => a >= s.vaddr && a < s.vaddr + BigInt(s.size));
  const sectionEnd = (a: bigint) => {
    const s = execSections.find((x) => a >= x.vaddr && a < x.vaddr + BigInt(x.size))!;
    return s.vaddr + BigInt(s.size);
  };
  const syms = img.symbols
    .filter((s) => (s.type === 'func' || s.type === 'notype') && s.section !== '*ABS*' && inExec(s.address))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  // Several names at one address (copy_to_user and _copy_to_user, a section-start label and the
  // first function): the one the stage table knows wins, else the function.
  const byAddress: typeof syms = [];
  for (const s of syms) {
    const prev = byAddress[byAddress.length - 1];
    if (prev && prev.address === s.address) {
      const known = (n: string) => stageOfKernelFunction(n) !== undefined;
      const better = known(s.name) !== known(prev.name) ? known(s.name) : s.type === 'func' && prev.type !== 'func';
      if (better) byAddress[byAddress.length - 1] = s;
    } else {
      byAddress.push(s);
    }
  }
  return byAddress.map((s, i) => {
    const next = byAddress[i + 1];
    const end = sectionEnd(s.address);
    return {
      start: s.address,
      end: next && next.address < end ? next.address : end,
      stage: STAGE_INDEX.get(stageOfKernelInstruction(s.name, false))!,
      stagePastDispatch: STAGE_INDEX.get(stageOfKernelInstruction(s.name, true))!,
    };
  });
}
