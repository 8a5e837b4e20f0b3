import { InsupcLossWatch } from './insupc-loss-watch';

describe('InsupcLossWatch', () => {
  const watch = () =>
    new InsupcLossWatch(
      new Map([
        ['I1', 't'],
        ['I2', 't'],
        ['J', 'u'],
      ]),
    );

  it('fires once when the last logged-on server of a connection loses its connections', () => {
    const w = watch();
    expect(w.update('I1', 0)).toBeUndefined(); // never logged on: nothing lost
    expect(w.update('I1', 2)).toBeUndefined();
    expect(w.update('I2', 1)).toBeUndefined();
    expect(w.update('I1', 1)).toBeUndefined();
    expect(w.update('I1', 0)).toBeUndefined(); // I2 still logged on
    expect(w.update('I2', 0)).toBe('t');
    expect(w.update('I2', 0)).toBeUndefined(); // already lost
    expect(w.update('I2', 1)).toBeUndefined();
    expect(w.update('I2', 0)).toBe('t'); // lost again
  });

  it('connections are apart; unmapped servers are ignored', () => {
    const w = watch();
    w.update('J', 1);
    w.update('I1', 1);
    expect(w.update('J', 0)).toBe('u');
    expect(w.update('OTHER', 0)).toBeUndefined();
    expect(new InsupcLossWatch(new Map()).watching).toBe(false);
  });
});
