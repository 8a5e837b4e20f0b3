/**
 * One execute request as `apps/sipsvc-loadgen` sends it (token, reqNo, seq, service,
 * reqBody), newline-terminated: the payload of the bench's microbenchmarks.
 */
export const EXECUTE_REQUEST = Buffer.from(
  JSON.stringify({
    cmd: 'execute',
    token: 'MTI3LjAuMC4xOjQ1Njc4',
    reqNo: '12345',
    seq: '001',
    service: 'mcidGetProfile',
    reqBody: { apiName: 'mcidGetProfile', inputParams: ['01012345678'] },
  }) + '\n',
);
