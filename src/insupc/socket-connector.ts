import { connect, Socket } from 'node:net';

/**
 * Opens the TCP socket of one INSUPC connection. Injected (token INSUPC_SOCKET_CONNECTOR)
 * so the connection logic can run over any socket-like stream in tests or behind a proxy.
 */
export type SocketConnector = (host: string, port: number) => Socket;

export const INSUPC_SOCKET_CONNECTOR = Symbol('INSUPC_SOCKET_CONNECTOR');

export const tcpConnector: SocketConnector = (host, port) => connect({ host, port });
