import { isOpenPath, tokenMatches } from './admin-token.middleware';

describe('tokenMatches', () => {
  it('accepts only the exact token, whatever the lengths', () => {
    expect(tokenMatches('s3cret', 's3cret')).toBe(true);
    expect(tokenMatches('s3cre', 's3cret')).toBe(false);
    expect(tokenMatches('s3cretX', 's3cret')).toBe(false);
    expect(tokenMatches('', 's3cret')).toBe(false);
  });
});

describe('isOpenPath', () => {
  it('opens only probes and the scrape', () => {
    expect(isOpenPath('/health/live')).toBe(true);
    expect(isOpenPath('/health/ready')).toBe(true);
    expect(isOpenPath('/metrics')).toBe(true);
    expect(isOpenPath('/state')).toBe(false);
    expect(isOpenPath('/metrics/../state')).toBe(false);
    expect(isOpenPath('/segw')).toBe(false);
  });
});
