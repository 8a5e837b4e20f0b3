import { EventEmitter } from 'node:events';
import { installSignalHandlers } from './signal-handlers';

describe('installSignalHandlers', () => {
  it('first signal shuts down then exits 0; a second one exits at once', async () => {
    const proc = new EventEmitter();
    const exits: number[] = [];
    let finish!: () => void;
    const shutdown = jest.fn(() => new Promise<void>((r) => (finish = r)));
    const again = jest.fn();
    installSignalHandlers(shutdown, again, (c) => exits.push(c), proc as unknown as NodeJS.Process);
    proc.emit('SIGTERM', 'SIGTERM');
    expect(shutdown).toHaveBeenCalledWith('SIGTERM');
    proc.emit('SIGINT', 'SIGINT');
    expect(again).toHaveBeenCalledWith('SIGINT');
    expect(exits).toEqual([1]);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([1, 0]);
  });

  it('exits 1 when shutdown fails', async () => {
    const proc = new EventEmitter();
    const exits: number[] = [];
    installSignalHandlers(
      () => Promise.reject(new Error('x')),
      () => undefined,
      (c) => exits.push(c),
      proc as unknown as NodeJS.Process,
    );
    proc.emit('SIGINT', 'SIGINT');
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([1]);
  });
});
