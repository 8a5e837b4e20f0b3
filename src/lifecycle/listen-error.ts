/**
 * A listener that could not be bound at start-up (port in use, no permission), named by its
 * config key so the one fatal line tells the operator what to change.
 */
export class ListenError extends Error {
  constructor(
    readonly key: 'tcp.server.port' | 'server.port',
    readonly host: string,
    readonly port: number,
    override readonly cause: unknown,
  ) {
    super(listenErrorText(key, host, port, cause));
    this.name = 'ListenError';
  }
}

const WHAT = { 'tcp.server.port': 'SIPSVC', 'server.port': 'admin HTTP' } as const;

function listenErrorText(key: ListenError['key'], host: string, port: number, cause: unknown) {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const where = `${WHAT[key]} port ${port} (${key}) on ${host}`;
  if (code === 'EADDRINUSE') return `${where} is already in use: insupclient cannot start`;
  if (code === 'EACCES') return `${where} is not allowed for this user: insupclient cannot start`;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return `${where} cannot be listened on (${reason}): insupclient cannot start`;
}

/** Runs `listen`, turning its failure into a {@link ListenError} for `key`. */
export async function listening<T>(
  key: ListenError['key'],
  host: string,
  port: number,
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    throw new ListenError(key, host, port, e);
  }
}
