// The machine's I/O ports (BOOT.md "I/O ports"): three 16550-style serial data ports, the task-exit
// port, the ptrace-report port through which the kernel's traced slow path talks to its tracer
// (us: strace lines and syscall events), and the panic port.

import type { PortIO } from '../cpu/state';
import { decodeSiginfo, formatExit, formatSignal, formatSyscall, shellStatus, signalName, syscallName } from '../trace/index';
import type { MachineEvent, StopReason } from './api';

export const PORT = {
  COM1: 0x3f8, COM2: 0x2f8, COM3: 0x3e8, EXIT: 0x501, PTRACE: 0x502, PANIC: 0x505,
} as const;
/** Line-status register: transmitter holding register empty (0x20) and transmitter empty (0x40). */
const LSR_READY = 0x60;

/** pt_regs field offsets (reference §4). */
export const PT_REGS = {
  r15: 0, r14: 8, r13: 16, r12: 24, bp: 32, bx: 40, r11: 48, r10: 56, r9: 64, r8: 72, ax: 80, cx: 88,
  dx: 96, si: 104, di: 112, orig_ax: 120, ip: 128, cs: 136, flags: 144, sp: 152, ss: 160,
} as const;
export const PT_REGS_SIZE = 168;

/** What the devices need from the machine. */
export interface DeviceHost {
  emit(e: MachineEvent): void;
  stop(r: StopReason): void;
  /** RDI and RSI at the moment of the OUT */
  gpr(num: number): bigint;
  /** supervisor read through the current page tables; null when unmapped */
  read(addr: bigint, len: number): Uint8Array | null;
  /** `ksys_read+0x15/0x40 (fs/read_write.S:140)` for a kernel address, when the machine knows it */
  describeAddress?(addr: bigint): string | undefined;
}

/**
 * What Linux's scripts/decode_stacktrace.sh does for a developer: the guest kernel has no symbol
 * table of its own (no kallsyms), so its oops prints raw addresses; the machine, which linked the
 * kernel, appends `symbol+offset/size (file:line)` to the RIP line and to each call-trace entry.
 */
export function decodeStacktrace(text: string, describe: (addr: bigint) => string | undefined): string {
  const annotate = (line: string, hex: string) => {
    const what = describe(BigInt('0x' + hex));
    return what ? `${line} ${what}` : line;
  };
  return text
    .replace(/^(RIP: [0-9a-f]{4}:0x([0-9a-f]{16}))$/gm, (line, _l, hex) => annotate(line, hex))
    .replace(/^( \? 0x([0-9a-f]{16}))$/gm, (line, _l, hex) => annotate(line, hex));
}

export interface DeviceState {
  kernelLog: string;
  /** the syscall-entry report waiting for its exit report */
  pending: { nr: number; args: bigint[]; sp: bigint } | null;
}

export class Devices implements PortIO {
  st: DeviceState = { kernelLog: '', pending: null };
  /** print strace lines (the kernel only reports when boot_params.traced is 1 anyway) */
  strace = true;

  constructor(private readonly host: DeviceHost) {}

  in(port: number, size: 1 | 2 | 4): number {
    void size;
    if (port === PORT.COM1 + 5 || port === PORT.COM2 + 5 || port === PORT.COM3 + 5) return LSR_READY;
    if (port === PORT.COM1 || port === PORT.COM2 || port === PORT.COM3) return 0; // no input
    return 0xffffffff >>> (32 - 8 * size); // nothing on the bus
  }

  out(port: number, size: 1 | 2 | 4, value: number): void {
    switch (port) {
      case PORT.COM1:
        return this.host.emit({ kind: 'stdout', fd: 1, bytes: new Uint8Array([value & 0xff]) });
      case PORT.COM2:
        return this.host.emit({ kind: 'stdout', fd: 2, bytes: new Uint8Array([value & 0xff]) });
      case PORT.COM3:
        this.st = { ...this.st, kernelLog: this.st.kernelLog + String.fromCharCode(value & 0xff) };
        return;
      case PORT.EXIT: {
        const ws = value >>> 0;
        // Killed inside a syscall (seccomp strict mode: do_exit(SIGKILL) before the call runs):
        // strace saw the entry stop but never the exit stop, so it prints `name(args) = ?`.
        const p = this.st.pending;
        if (this.strace && p && p.nr !== 60 && p.nr !== 231) {
          this.host.emit({ kind: 'strace', line: formatSyscall(p.nr, p.args, undefined, (addr, len) => this.host.read(addr, len)) });
        }
        if (this.strace) this.host.emit({ kind: 'strace', line: formatExit(ws) });
        const sig = ws & 0x7f;
        this.host.stop(sig ? { kind: 'exited', status: shellStatus(ws), signal: signalName(sig) } : { kind: 'exited', status: shellStatus(ws) });
        return;
      }
      case PORT.PTRACE:
        return this.ptraceReport(value & 0xff);
      case PORT.PANIC: {
        const log = this.st.kernelLog;
        const at = Math.max(log.lastIndexOf('BUG:'), log.lastIndexOf('Kernel panic'));
        const raw = at >= 0 ? log.slice(at) : log;
        const describe = this.host.describeAddress?.bind(this.host);
        this.host.stop({ kind: 'oops', text: describe ? decodeStacktrace(raw, describe) : raw });
        return;
      }
      default:
        void size; // writes to other ports go nowhere
    }
  }

  private u64(regs: Uint8Array, off: number): bigint {
    return new DataView(regs.buffer, regs.byteOffset).getBigUint64(off, true);
  }

  private ptraceReport(event: number): void {
    const h = this.host;
    const regsAt = h.gpr(7);
    const regs = h.read(regsAt, PT_REGS_SIZE);
    if (!regs) return;
    const reader = (addr: bigint, len: number) => h.read(addr, len);
    const get = (f: keyof typeof PT_REGS) => this.u64(regs, PT_REGS[f]);
    if (event === 0) {
      const nr = Number(BigInt.asIntN(32, get('orig_ax')));
      const args = [get('di'), get('si'), get('dx'), get('r10'), get('r8'), get('r9')];
      this.st = { ...this.st, pending: { nr, args, sp: get('sp') } };
      h.emit({ kind: 'syscall-entry', nr, name: syscallName(nr), args });
      // exit and exit_group never report an exit stop: strace prints `= ?` right away.
      if (this.strace && (nr === 60 || nr === 231)) h.emit({ kind: 'strace', line: formatSyscall(nr, args, undefined, reader) });
    } else if (event === 1) {
      const p = this.st.pending;
      const nr = p ? p.nr : Number(BigInt.asIntN(32, get('orig_ax')));
      const args = p ? p.args : [get('di'), get('si'), get('dx'), get('r10'), get('r8'), get('r9')];
      const result = get('ax');
      this.st = { ...this.st, pending: null };
      h.emit({ kind: 'syscall-exit', nr, name: syscallName(nr), result });
      if (this.strace) h.emit({ kind: 'strace', line: formatSyscall(nr, args, result, reader, { sp: p ? p.sp : get('sp') }) });
    } else if (event === 2) {
      const info = h.read(h.gpr(6), 128);
      if (info && this.strace) h.emit({ kind: 'strace', line: formatSignal(decodeSiginfo(info)) });
    }
  }
}
