import fc from 'fast-check';
import { OamFileError, parseOamFile, withAppState } from './oam-file';

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
