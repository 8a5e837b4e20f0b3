import fc from 'fast-check';
import { OamFileError, parseOamFile, withAppState, withDrained } from './oam-file';

describe('OAM file', () => {
  const SPEC_EXAMPLE =
    '{"createdAt":"2025-11-01 13:01:01","systemName":"AMAS11","systemState":"RUNNING",' +
    '"appStates":{"sipsvc":"RUNNING","insupclient":"BLOCKED"}}';

  it('reads appStates.insupclient', () => {
    expect(parseOamFile('f', SPEC_EXAMPLE).state).toBe('BLOCKED');
  });

  it('defaults to RUNNING when the key is absent', () => {
    expect(parseOamFile('f', '{}').state).toBe('RUNNING');
    expect(parseOamFile('f', '{"appStates":{"sipsvc":"BLOCKED"}}').state).toBe('RUNNING');
  });

  it.each([
    ['{not json', /not valid JSON/],
    ['[]', /top level/],
    ['{"appStates":3}', /appStates must be/],
    [
      '{"appStates":{"insupclient":"STOPPED"}}',
      /must be one of RUNNING, BLOCKED \(got "STOPPED"\)/,
    ],
  ])('rejects %s with the reason', (text, reason) => {
    expect(() => parseOamFile('/x/oam.json', text)).toThrow(OamFileError);
    expect(() => parseOamFile('/x/oam.json', text)).toThrow(reason);
  });

  it('writes our state back keeping every other key', () => {
    const { doc } = parseOamFile('f', SPEC_EXAMPLE);
    expect(withAppState(doc, 'RUNNING')).toEqual({
      createdAt: '2025-11-01 13:01:01',
      systemName: 'AMAS11',
      systemState: 'RUNNING',
      appStates: { sipsvc: 'RUNNING', insupclient: 'RUNNING' },
    });
    expect(doc.appStates).toEqual({ sipsvc: 'RUNNING', insupclient: 'BLOCKED' });
  });

  it('reads drainedServers (none when absent) and rejects anything but a list of names', () => {
    expect(parseOamFile('f', SPEC_EXAMPLE).drained).toEqual([]);
    expect(parseOamFile('f', '{"drainedServers":["INSUPC-2","X"]}').drained).toEqual([
      'INSUPC-2',
      'X',
    ]);
    for (const bad of ['{"drainedServers":"INSUPC-2"}', '{"drainedServers":[1]}']) {
      expect(() => parseOamFile('f', bad)).toThrow(/drainedServers must be an array/);
    }
  });

  it('adds or removes one drained server, keeping every other key and name', () => {
    const { doc } = parseOamFile('f', SPEC_EXAMPLE);
    const one = withDrained(doc, 'INSUPC-2', true);
    expect(one).toEqual({ ...doc, drainedServers: ['INSUPC-2'] });
    const two = withDrained(withDrained(one, 'OTHER', true), 'INSUPC-2', true);
    expect(two.drainedServers).toEqual(['OTHER', 'INSUPC-2']);
    expect(withDrained(two, 'INSUPC-2', false)).toEqual({ ...doc, drainedServers: ['OTHER'] });
    expect(doc).not.toHaveProperty('drainedServers');
  });

  it('any text either parses to a valid state or fails with OamFileError (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          expect(['RUNNING', 'BLOCKED']).toContain(parseOamFile('f', text).state);
        } catch (e) {
          expect(e).toBeInstanceOf(OamFileError);
        }
      }),
    );
  });
});
