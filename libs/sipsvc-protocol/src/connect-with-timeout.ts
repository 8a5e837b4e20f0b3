import { connect, Socket } from 'node:net';

/**
 * Opens a TCP connection; rejects on a connect error or after `timeoutMs`. The socket it
 * resolves with has no 'error' listener left: the caller attaches its own at once.
 */
export function connectWithTimeout(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
