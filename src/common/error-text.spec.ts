import { errorText } from './error-text';

describe('errorText', () => {
  it('is the message of an Error, with its cause when it has one', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText(new Error('fetch failed', { cause: new Error('ECONNREFUSED') }))).toBe(
      'fetch failed: ECONNREFUSED',
    );
  });

  it('is the message of an error-like object, else the value as text', () => {
    expect(errorText({ message: 'rejected' })).toBe('rejected');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(undefined)).toBe('undefined');
  });
});
