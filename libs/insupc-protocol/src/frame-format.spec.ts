import fc from 'fast-check';
import { HEADER_SIZE, ResultCode } from './constants';
import {
  encodeDbAccessRequest,
  encodeDbQueryRequest,
  encodeDbQueryResponse,
  encodeDbStatusRequest,
} from './encoder';
import { formatFrameTree } from './frame-format';

const h = { asId: 100, transactionId: 42, sessionId: 'INSUP_SESSION_001' };

describe('formatFrameTree', () => {
  it('shows the header fields and every parameter with its type, length, value and hex', () => {
    const tree = formatFrameTree(encodeDbQueryRequest(h, 'getX', ['01012345678', '']));
    const lines = tree.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^DB_QUERY_REQUEST msgLen=\d+ result=0x00 txid=42 session="INSUP_SESSION_001" svcId="0001" asId=100 svca=0x11 dvca=0xA2 params=3 \| [0-9a-f]{2}( [0-9a-f]{2}){61}$/,
    );
    expect(lines[1]).toBe('  API_NAME(0x0001) len=4 "getX" | 01 00 04 00 67 65 74 58');
    expect(lines[2]).toMatch(
      /^ {2}INPUT_PARAM\(0x0002\) len=11 "01012345678" \| 02 00 0b 00 30 31/,
    );
    expect(lines[3]).toBe('  INPUT_PARAM(0x0002) len=0 "" | 02 00 00 00');
  });

  it('names the RESULT of an answer and decodes its text parameters', () => {
    const tree = formatFrameTree(
      encodeDbQueryResponse(h, ResultCode.QUERY_ERROR, { errorText: 'bad api' }),
    );
    expect(tree).toMatch(/^DB_QUERY_RESPONSE .*result=0x10 txid=42/);
    expect(tree).toContain('ERROR_TEXT(0x0004) len=7 "bad api"');
  });

  it('masks the logon password in the value and in the hex', () => {
    const frame = encodeDbAccessRequest(h, {
      systemName: 'AMAS-SES1',
      logonId: 'insupclient',
      password: 'S3cret!',
    });
    const tree = formatFrameTree(frame);
    expect(tree).toContain('systemName="AMAS-SES1" logonId="insupclient" password=********');
    expect(tree).not.toContain('S3cret');
    expect(tree).not.toContain(Buffer.from('S3cret!').toString('hex').slice(0, 6));
  });

  it('cuts long values and says how much was left out', () => {
    const tree = formatFrameTree(encodeDbQueryRequest(h, 'a', ['x'.repeat(1000)]));
    expect(tree).toContain('…(+744 bytes)');
  });

  it('shows the DB_STATUS of a push and an unknown message code by number', () => {
    expect(formatFrameTree(encodeDbStatusRequest(h, 'MB'))).toContain(
      'DB_STATUS(0x0006) len=2 "MB"',
    );
    const odd = encodeDbStatusRequest(h, 'MA');
    odd[4] = 0x42;
    expect(formatFrameTree(odd)).toMatch(/^UNKNOWN\(0x42\) /);
  });

  it('property: any bytes format without throwing (short, truncated or lying frames)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const text = formatFrameTree(Buffer.from(bytes));
        expect(typeof text).toBe('string');
        if (bytes.length < HEADER_SIZE) expect(text).toMatch(/shorter than a header/);
      }),
    );
  });
});
