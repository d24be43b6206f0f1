// Entry point of dist/debugAdapter.js: DAP over stdio by default, or `--server=PORT` to listen on
// the loopback interface (one session per connection). Node-only: file access for launch lives
// here, so the session itself also runs inline in a browser with another host.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { RingstepSession, AdapterHost } from './session';
import type { HostFiles } from './launch';

const nodeFiles: HostFiles = {
  readFile: async (p) => new Uint8Array(await fs.promises.readFile(p)),
  listDir: async (p) => {
    try {
      const st = await fs.promises.stat(p);
      return st.isDirectory() ? await fs.promises.readdir(p) : undefined;
    } catch {
      return undefined;
    }
  },
  resolve: (p, base) => path.resolve(base ?? process.cwd(), p),
  join: (dir, name) => path.join(dir, name),
};

/** The built-in kernel sources on disk (repo layout: dist/ next to emulator/kernel). */
function findKernelSources(): string | undefined {
  for (const candidate of [path.join(__dirname, '..', 'emulator', 'kernel'), path.join(__dirname, 'kernel')]) {
    if (fs.existsSync(path.join(candidate, 'arch'))) return candidate;
  }
  return undefined;
}

export function nodeHost(): AdapterHost {
  return { files: nodeFiles, kernelSourceRoot: findKernelSources() };
}

function main(): void {
  // The adapter must never die from a stray error: report it on stderr and carry on.
  process.on('uncaughtException', (e) => console.error(`[ringstep adapter] uncaught: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => console.error(`[ringstep adapter] unhandled rejection: ${(e as Error)?.stack ?? e}`));
  const portArg = process.argv.slice(2).find((a) => a.startsWith('--server='));
  if (portArg) {
    const port = Number(portArg.slice('--server='.length));
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`--server needs a port number, not '${portArg.slice(9)}'`);
      process.exit(2);
    }
    const server = net.createServer((socket) => {
      const session = new RingstepSession(nodeHost());
      session.setRunAsServer(true);
      session.start(socket, socket);
      socket.on('error', () => socket.destroy());
    });
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      console.error(`ringstep debug adapter listening on 127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`);
    });
    return;
  }
  const session = new RingstepSession(nodeHost());
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}

main();
