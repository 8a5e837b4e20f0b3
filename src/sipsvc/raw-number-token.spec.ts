import fc from 'fast-check';
import { rawTopLevelNumber } from './raw-number-token';

/** a JSON number token as a client may write it (big integers, exponents, fractions). */
const numberToken = fc.oneof(
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc
    .tuple(
      fc.integer({ min: -99999, max: 99999 }),
      fc.nat(999999),
      fc.integer({ min: -400, max: 400 }),
    )
    .map(([i, f, e]) => `${i}.${f}e${e}`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

const noise = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((k) => k !== 'reqNo'),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 5 },
);

describe('rawTopLevelNumber', () => {
  it('finds the top-level token as written, whatever surrounds it', () => {
    fc.assert(
      fc.property(noise, noise, numberToken, fc.boolean(), (before, after, token, nested) => {
        const decoy = nested ? { reqBody: { reqNo: 1, text: '"reqNo":2' } } : {};
        const head = JSON.stringify({ ...before, ...decoy }).slice(0, -1);
        const tail = JSON.stringify(after).slice(1);
        const sep = (s: string) => (s.length > 1 ? ',' : '');
        const text = `${head}${sep(head)} "reqNo" :\n ${token}${sep(tail) ? ',' : ''}${tail}`;
        expect(JSON.parse(text)).toHaveProperty('reqNo'); // the text is valid JSON
        expect(rawTopLevelNumber(text, 'reqNo')).toBe(token);
      }),
    );
  });

  it('never throws on any JSON object, and agrees with JSON.parse about the value', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return;
        for (const key of Object.keys(parsed)) {
          const token = rawTopLevelNumber(text, key);
          const value = (parsed as Record<string, unknown>)[key];
          if (typeof value === 'number') expect(Number(token)).toBe(value);
          else expect(token).toBeUndefined();
        }
      }),
    );
  });

  it('the last of a duplicated key wins, as in JSON.parse; escaped key names count', () => {
    expect(rawTopLevelNumber('{"reqNo":1,"reqNo":12345678901234567890}', 'reqNo')).toBe(
      '12345678901234567890',
    );
    expect(
      rawTopLevelNumber('{"reqNo":12345678901234567890,"reqNo":"x"}', 'reqNo'),
    ).toBeUndefined();
    expect(rawTopLevelNumber('{"req\\u004eo":9007199254740993}', 'reqNo')).toBe('9007199254740993');
    expect(rawTopLevelNumber('{"a":{"reqNo":5},"b":[{"reqNo":6}]}', 'reqNo')).toBeUndefined();
  });
});
