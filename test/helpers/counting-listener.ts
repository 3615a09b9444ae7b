/** A loopback TCP listener that only counts who connects: proof that a simulation contacted no server. */
import { createServer } from 'node:net';

export interface CountingListener {
  readonly port: number;
  /** connections accepted so far */
  connections(): number;
  close(): void;
}

/** Listens on a free loopback port; every connection is counted and closed at once. */
export async function countingListener(): Promise<CountingListener> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, connections: () => connections, close: () => server.close() };
}
