// Entry point of dist/debugAdapter.js: DAP over stdio by default, or `--server=PORT` to listen on
// the loopback interface (one session per connection). Node-only: file access for launch lives
// here, so the session itself also runs inline in a browser with another host.
import * as net from 'node:net';
import { RingstepSession } from './session';
import { nodeHost } from './node-host';

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
