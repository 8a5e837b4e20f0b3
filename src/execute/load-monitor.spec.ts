import { Logger } from '@nestjs/common';
import { LoadMonitor } from './load-monitor';

describe('LoadMonitor', () => {
  afterEach(() => jest.restoreAllMocks());

  it('logs only when the level changes: WARN going up, LOG back to Normal', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const m = new LoadMonitor();
    expect(m.update({ tpsPct: 10, queuePct: 0, sessionPct: 0 })).toBe('Normal');
    expect(m.update({ tpsPct: 85, queuePct: 75, sessionPct: 85 })).toBe('Warning');
    expect(m.update({ tpsPct: 86, queuePct: 75, sessionPct: 85 })).toBe('Warning');
    expect(m.update({ tpsPct: 120, queuePct: 0, sessionPct: 0 })).toBe('Overload');
    expect(m.update({ tpsPct: 0, queuePct: 0, sessionPct: 0 })).toBe('Normal');
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'Load level changed: Normal -> Warning (tps: 85%, queue: 75%, sessions: 85%)',
      'Load level changed: Warning -> Overload (tps: 120%, queue: 0%, sessions: 0%)',
    ]);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Load level changed: Overload -> Normal (tps: 0%, queue: 0%, sessions: 0%)',
    ]);
    expect(m.level).toBe('Normal');
  });
});
