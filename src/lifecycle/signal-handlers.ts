/**
 * SIGTERM/SIGINT → graceful shutdown then exit 0 (1 if shutdown itself failed); a second
 * signal while shutting down exits at once. `exit` is injectable for tests.
 */
export function installSignalHandlers(
  shutdown: (signal: NodeJS.Signals) => Promise<void>,
  onSecondSignal: (signal: NodeJS.Signals) => void,
  exit: (code: number) => void = (code) => process.exit(code),
  proc: Pick<NodeJS.Process, 'on'> = process,
): void {
  let shuttingDown = false;
  const handle = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      onSecondSignal(signal);
      exit(1);
      return;
    }
    shuttingDown = true;
    shutdown(signal).then(
      () => exit(0),
      () => exit(1),
    );
  };
  proc.on('SIGTERM', handle);
  proc.on('SIGINT', handle);
}
