import { connect, Socket } from 'node:net';
import { connect as connectTls, ConnectionOptions } from 'node:tls';

/**
 * Opens a TCP connection (or a TLS one, given `tls` options; from `localAddress` when
 * given); rejects on a connect error or after `timeoutMs`. The socket it
 * resolves with has no 'error' listener left: the caller attaches its own at once.
 */
export function connectWithTimeout(
  host: string,
  port: number,
  timeoutMs: number,
  { tls, localAddress }: { tls?: ConnectionOptions; localAddress?: string } = {},
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // TLS: resolved once the handshake is done (the server may still refuse a certificate)
    const socket = tls
      ? connectTls({ ...tls, host, port, ...{ localAddress } }) // net options pass through
      : connect({ host, port, localAddress });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
