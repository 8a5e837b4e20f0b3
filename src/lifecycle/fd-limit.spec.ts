import {
  checkOpenFilesBudget,
  FdLimitIo,
  openFilesBudget,
  parseOpenFilesLimit,
  raiseOpenFilesLimit,
} from './fd-limit';

const limits = (soft: string, hard: string): string =>
  `Limit                     Soft Limit           Hard Limit           Units\n` +
  `Max processes             63439                63439                processes\n` +
  `Max open files            ${soft}                 ${hard}               files\n`;

function fakeIo(soft: string, hard: string, fail = false) {
  const calls: [number, number][] = [];
  let current = limits(soft, hard);
  const io: FdLimitIo = {
    readLimits: () => Promise.resolve(current),
    prlimit: (pid, value) => {
      calls.push([pid, value]);
      if (fail) return Promise.reject(new Error('prlimit: not permitted'));
      current = limits(String(value), hard);
      return Promise.resolve();
    },
  };
  return { io, calls };
}

function memoryLog() {
  const lines: string[] = [];
  return {
    lines,
    log: (m: string) => lines.push(`LOG ${m}`),
    warn: (m: string) => lines.push(`WARN ${m}`),
  };
}

describe('open files limit', () => {
  it('parses /proc/self/limits', () => {
    expect(parseOpenFilesLimit(limits('1024', '524288'))).toEqual({ soft: 1024, hard: 524288 });
    expect(parseOpenFilesLimit(limits('1024', 'unlimited'))).toEqual({
      soft: 1024,
      hard: Infinity,
    });
    expect(parseOpenFilesLimit('nothing here')).toBeNull();
  });

  it('raises the soft limit to the hard one and logs the figure', async () => {
    const { io, calls } = fakeIo('1024', '524288');
    const log = memoryLog();
    await expect(raiseOpenFilesLimit(log, io, 42)).resolves.toEqual({ soft: 524288, hard: 524288 });
    expect(calls).toEqual([[42, 524288]]);
    expect(log.lines).toEqual(['LOG Open files limit: 524288 (raised from 1024; hard 524288)']);
  });

  it('leaves a limit already at its hard limit alone', async () => {
    const { io, calls } = fakeIo('20000', '20000');
    const log = memoryLog();
    await raiseOpenFilesLimit(log, io);
    expect(calls).toEqual([]);
    expect(log.lines).toEqual(['LOG Open files limit: 20000 (hard 20000)']);
  });

  it('a failing prlimit is a WARN with the figure kept, never a failed start', async () => {
    const { io } = fakeIo('1024', '4096', true);
    const log = memoryLog();
    await expect(raiseOpenFilesLimit(log, io)).resolves.toEqual({ soft: 1024, hard: 4096 });
    expect(log.lines[0]).toMatch(
      /^WARN Open files limit: 1024 \(hard 4096\); raising it with prlimit failed/,
    );
  });
});

describe('open files budget (operations spec §8.5)', () => {
  const config = {
    tcp: { server: { maxConnections: 100, maxPendingConnections: 1000 } },
    server: { maxConnections: 256 },
    insupc: { clients: [{ connectionPoolSize: 2 }, { connectionPoolSize: 3 }] },
  };

  it('sums the caps, the INSUPC pools and the process own files', () => {
    expect(openFilesBudget(config)).toEqual({
      sipsvc: 100,
      pending: 1000,
      admin: 256,
      insupc: 5,
      process: 64,
      total: 1425,
    });
  });

  it('warns with the numbers when they do not fit the limit, stays quiet when they do', () => {
    const log = memoryLog();
    expect(checkOpenFilesBudget(config, { soft: 1024, hard: 1024 }, log)).toBe(false);
    expect(log.lines).toEqual([
      'WARN Open files limit 1024 is below what the connection caps may open: 1425 = tcp.server.max-connections 100 + tcp.server.max-pending-connections 1000 + server.max-connections 256 + INSUPC pools 5 + 64 for the process; raise the limit (ulimit -n, LimitNOFILE, the container runtime) or lower the caps',
    ]);
    const quiet = memoryLog();
    expect(checkOpenFilesBudget(config, { soft: 1425, hard: 4096 }, quiet)).toBe(true);
    expect(checkOpenFilesBudget(config, null, quiet)).toBe(true);
    expect(quiet.lines).toEqual([]);
  });
});
