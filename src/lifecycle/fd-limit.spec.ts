import { FdLimitIo, parseOpenFilesLimit, raiseOpenFilesLimit } from './fd-limit';

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
