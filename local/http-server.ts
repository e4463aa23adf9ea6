import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `port` (0 picks a free one) and `host`; rejects when the port is taken. */
export function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Stops accepting connections and closes the open ones: the SDK's agents and fetch keep sockets
 * alive, and `close()` alone would wait for them to time out.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
