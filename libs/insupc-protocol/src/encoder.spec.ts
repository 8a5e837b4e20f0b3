import {
  DbStatus,
  HEADER_SIZE,
  MsgCode,
  NodeType,
  ParamType,
  ResultCode,
  decodeDbLogonInfo,
  decodeDbQueryRequest,
  decodeFrame,
  encodeDbAccessRequest,
  encodeDbAccessResponse,
  encodeDbNettestRequest,
  encodeDbNettestResponse,
  encodeDbQueryRequest,
  encodeDbQueryResponse,
  encodeDbReleaseRequest,
  encodeDbStatusRequest,
  encodeDbStatusResponse,
  encodeFrame,
  formatHexByte,
  isDbStatus,
  msgCodeName,
  readDbStatus,
  readErrorText,
  readSqlOutput,
  type Frame,
  type MessageHeader,
} from './index';

const hdr: MessageHeader = { asId: 100, transactionId: 1, sessionId: 'INSUP_SESSION_001' };

function decodeOk(buf: Buffer): Frame {
  const frame = decodeFrame(buf);
  if (frame instanceof Error) throw frame;
  return frame;
}

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

describe('INSUPC encoder', () => {
  it('encodes the spec §7 LOGON example byte for byte (114 bytes)', () => {
    const expected = Buffer.concat([
      hex('72000000'), // MSG_LEN 114
      hex('03 11 a2 00'), // MSG_CODE, SVCA, DVCA, RESULT
      hex('6400'), // AS_ID 100
      hex('01000000'), // TRANSACTION_ID 1
      hex('49 4e 53 55 50 5f 53 45 53 53 49 4f 4e 5f 30 30 31'),
      Buffer.alloc(15),
      hex('30303031'), // SVC_ID "0001"
      hex('0100'), // PARAM_COUNT 1
      Buffer.alloc(10), // RESERVED
      hex('0700 3000'), // TYPE DB_LOGON_INFO, LENGTH 48
      hex('41 4d 41 53 2d 53 45 53 31'),
      Buffer.alloc(7),
      hex('69 6e 73 75 70 63 6c 69 65 6e 74'),
      Buffer.alloc(5),
      hex('73 65 63 72 65 74'),
      Buffer.alloc(10),
    ]);
    expect(expected.length).toBe(114);

    const encoded = encodeDbAccessRequest(hdr, {
      systemName: 'AMAS-SES1',
      logonId: 'insupclient',
      password: 'secret',
    });

    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
  });

  it('round-trips DB_ACCESS_REQUEST', () => {
    const logon = { systemName: 'AMAS-SES1', logonId: 'insupclient', password: 'secret' };
    const f = decodeOk(encodeDbAccessRequest(hdr, logon));
    expect(f.header()).toEqual({
      msgCode: MsgCode.DB_ACCESS_REQUEST,
      svca: NodeType.AS,
      dvca: NodeType.INSUPC,
      result: ResultCode.NONE,
      asId: 100,
      transactionId: 1,
      sessionId: 'INSUP_SESSION_001',
      svcId: '0001',
    });
    expect(decodeDbLogonInfo(f)).toEqual(logon);
  });

  it('round-trips DB_QUERY_REQUEST with UTF-8 input params in order', () => {
    const h = { ...hdr, transactionId: 0xfffffffe, svcId: '0002' };
    const f = decodeOk(encodeDbQueryRequest(h, 'mcidGetProfile', ['01012345678', '', '한글']));
    expect(f.msgCode).toBe(MsgCode.DB_QUERY_REQUEST);
    expect(f.transactionId).toBe(0xfffffffe);
    expect(f.svcId).toBe('0002');
    expect(f.paramCount).toBe(4);
    expect(decodeDbQueryRequest(f)).toEqual({
      apiName: 'mcidGetProfile',
      inputParams: ['01012345678', '', '한글'],
    });
  });

  it('round-trips DB_QUERY_RESPONSE success, no-data and error forms', () => {
    const ok = decodeOk(encodeDbQueryResponse(hdr, ResultCode.SUCCESS, { sqlOutput: '{"a":1}' }));
    expect([ok.msgCode, ok.svca, ok.dvca, ok.result]).toEqual([
      MsgCode.DB_QUERY_RESPONSE,
      NodeType.INSUPC,
      NodeType.AS,
      ResultCode.SUCCESS,
    ]);
    expect(readSqlOutput(ok)).toBe('{"a":1}');
    expect(readErrorText(ok)).toBeUndefined();

    const noData = decodeOk(encodeDbQueryResponse(hdr, ResultCode.NO_DATA));
    expect(noData.result).toBe(ResultCode.NO_DATA);
    expect(noData.paramCount).toBe(0);

    const err = decodeOk(
      encodeDbQueryResponse(hdr, ResultCode.QUERY_ERROR, { errorText: 'unknown API: x' }),
    );
    expect(err.result).toBe(ResultCode.QUERY_ERROR);
    expect(readErrorText(err)).toBe('unknown API: x');
    expect(readSqlOutput(err)).toBeUndefined();
  });

  it('round-trips DB_ACCESS_RESPONSE, DB_NETTEST_* and DB_STATUS_* with their status', () => {
    const access = decodeOk(encodeDbAccessResponse(hdr, ResultCode.LOGIN_DENIED, 'MA', 'denied'));
    expect(access.msgCode).toBe(MsgCode.DB_ACCESS_RESPONSE);
    expect(access.result).toBe(ResultCode.LOGIN_DENIED);
    expect(readDbStatus(access)).toBe('MA');
    expect(readErrorText(access)).toBe('denied');

    const ping = decodeOk(encodeDbNettestRequest({ ...hdr, transactionId: 7 }));
    expect([ping.msgCode, ping.svca, ping.transactionId, ping.length]).toEqual([
      MsgCode.DB_NETTEST_REQUEST,
      NodeType.AS,
      7,
      HEADER_SIZE,
    ]);

    const pong = decodeOk(encodeDbNettestResponse(hdr, 'DS'));
    expect([pong.msgCode, pong.result, readDbStatus(pong)]).toEqual([
      MsgCode.DB_NETTEST_RESPONSE,
      ResultCode.SUCCESS,
      'DS',
    ]);

    const push = decodeOk(encodeDbStatusRequest({ ...hdr, transactionId: 9 }, 'MB'));
    expect([push.msgCode, push.svca, push.dvca, readDbStatus(push)]).toEqual([
      MsgCode.DB_STATUS_REQUEST,
      NodeType.INSUPC,
      NodeType.AS,
      'MB',
    ]);

    const ack = decodeOk(encodeDbStatusResponse({ ...hdr, transactionId: 9 }));
    expect([ack.msgCode, ack.svca, ack.result, ack.transactionId]).toEqual([
      MsgCode.DB_STATUS_RESPONSE,
      NodeType.AS,
      ResultCode.SUCCESS,
      9,
    ]);

    const release = decodeOk(encodeDbReleaseRequest(hdr));
    expect([release.msgCode, release.paramCount]).toEqual([MsgCode.DB_RELEASE_REQUEST, 0]);
  });

  it('encodeFrame keeps unknown parameter types, and readers skip them', () => {
    const buf = encodeFrame(
      {
        msgCode: MsgCode.DB_QUERY_REQUEST,
        svca: NodeType.AS,
        dvca: NodeType.INSUPC,
        result: 0,
        asId: 1,
        transactionId: 2,
        sessionId: 'S',
        svcId: '0001',
      },
      [
        { type: 0x99, value: Buffer.from([1, 2, 3]) },
        { type: ParamType.API_NAME, value: 'api' },
        { type: ParamType.INPUT_PARAM, value: 'p1' },
      ],
    );
    const f = decodeOk(buf);
    expect(f.params().map((p) => p.type)).toEqual([
      0x99,
      ParamType.API_NAME,
      ParamType.INPUT_PARAM,
    ]);
    expect(decodeDbQueryRequest(f)).toEqual({ apiName: 'api', inputParams: ['p1'] });
  });

  it('reports a missing API_NAME and an invalid DB_STATUS as undefined', () => {
    const noApi = encodeFrame({ ...decodeOk(encodeDbNettestRequest(hdr)).header(), msgCode: 1 }, [
      { type: ParamType.INPUT_PARAM, value: 'x' },
    ]);
    expect(decodeDbQueryRequest(decodeOk(noApi))).toBeUndefined();

    const badStatus = encodeFrame({ ...decodeOk(encodeDbNettestResponse(hdr, 'MA')).header() }, [
      { type: ParamType.DB_STATUS, value: 'XX' },
    ]);
    expect(readDbStatus(decodeOk(badStatus))).toBeUndefined();
  });

  it('rejects values that do not fit their fields with a RangeError', () => {
    expect(() => encodeDbNettestRequest({ ...hdr, sessionId: 'x'.repeat(33) })).toThrow(RangeError);
    expect(() =>
      encodeDbAccessRequest(hdr, { systemName: 'x'.repeat(17), logonId: '', password: '' }),
    ).toThrow(/SYSTEM_NAME/);
    expect(() => encodeDbQueryRequest(hdr, 'a', ['x'.repeat(0x10000)])).toThrow(RangeError);
  });

  it('names the field, never its value, when a logon field does not fit (issue 21)', () => {
    const password = 'Zq9-LEAK-CANARY-77x';
    let message = '';
    try {
      encodeDbAccessRequest(hdr, { systemName: 'S', logonId: 'L', password });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('PASSWORD: 19 bytes do not fit its 16-byte field');
    expect(message).not.toContain('LEAK');
  });

  it('formats bytes and names for log lines', () => {
    expect(formatHexByte(0x20)).toBe('0x20');
    expect(formatHexByte(0xa2)).toBe('0xA2');
    expect(msgCodeName(0x05)).toBe('DB_NETTEST_REQUEST');
    expect(msgCodeName(0x42)).toBe('UNKNOWN(0x42)');
    const all: DbStatus[] = ['MA', 'MS', 'MB', 'DA', 'DS', 'DB'];
    expect(all.every(isDbStatus)).toBe(true);
    expect(isDbStatus('XA')).toBe(false);
  });
});
