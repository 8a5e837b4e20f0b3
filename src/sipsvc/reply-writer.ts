import { Logger } from '@nestjs/common';
import { errorText } from '../common/error-text';
import {
  RAW_NUMBERS,
  RawNumbers,
  SipsvcPattern,
  SipsvcReply,
  SipsvcRequest,
} from '../contracts/sipsvc-message';
import { SipsvcResult } from '../contracts/sipsvc-result';
import { RawJson } from '../contracts/raw-json';

/** Where a reply goes: a connection that may have closed meanwhile. */
export interface ReplyTarget {
  readonly closed: boolean;
  readonly closing: boolean;
  readonly tag: string;
  writeJson(json: string): void;
}

/**
 * Serialises and writes one reply: echoes cmd/reqNo/seq, serialises once, frames and
 * writes; dropped if the client is gone. Only string/number cmd, reqNo and seq are echoed:
 * anything else is untrusted structure that could be nested deep enough to make
 * `JSON.stringify` throw (length-prefixed framing has no depth cap), and the spec only
 * promises to echo what the client can correlate on.
 */
export class ReplyWriter {
  private readonly log = new Logger('SipsvcServer');

  write(conn: ReplyTarget, req: SipsvcRequest | undefined, reply: SipsvcReply): void {
    if (conn.closed || conn.closing) return;
    const out: Record<string, unknown> = {};
    if (req) {
      if (typeof req.cmd === 'string') out.cmd = req.cmd;
      if (isEchoable(req.reqNo)) out.reqNo = req.reqNo;
      if (isEchoable(req.seq)) out.seq = req.seq;
    }
    Object.assign(out, reply);
    // the execute pipeline sets resultCode itself; the transport's own answers to an execute
    // (invalid token, overload, handler failure) get it here: spec, resultCode always = result
    if (reply.resultCode === undefined && isExecute(out.cmd)) out.resultCode = reply.result;
    let json: string;
    try {
      json = serialise(out);
      const raw = req?.[RAW_NUMBERS];
      if (raw) json = withRawNumbers(json, raw);
    } catch (e) {
      // only the handler's reply can have failed; the echoed fields are plain strings/numbers
      this.log.error(`${conn.tag} reply could not be serialised: ${errorText(e)}`);
      json = JSON.stringify({
        cmd: out.cmd,
        reqNo: out.reqNo,
        seq: out.seq,
        result: SipsvcResult.INTERNAL_ERROR,
        resultDesc: 'Internal error - reply could not be serialised',
      });
    }
    conn.writeJson(json);
  }
}

/**
 * `JSON.stringify(out)`, with a RawJson `data` (the execute's SQL_OUTPUT, the reply's last
 * key) spliced in as its text instead of being parsed and serialised again: the same bytes.
 */
function serialise(out: Record<string, unknown>): string {
  const data = out.data;
  if (!(data instanceof RawJson)) return JSON.stringify(out);
  out.data = undefined;
  const head = JSON.stringify(out);
  out.data = data;
  return head === '{}' ? `{"data":${data.text}}` : `${head.slice(0, -1)},"data":${data.text}}`;
}

/**
 * Puts the client's own text of `reqNo`/`seq` in place of their re-serialised doubles. They
 * are the first keys after `cmd` (a string, whose quotes are escaped), so the first
 * `"reqNo":` in the text is the echoed one.
 */
function withRawNumbers(json: string, raw: RawNumbers): string {
  let out = json;
  for (const key of ['reqNo', 'seq'] as const) {
    const token = raw[key];
    if (token === undefined) continue;
    const at = out.indexOf(`"${key}":`);
    if (at < 0) continue;
    const start = at + key.length + 3;
    let end = start;
    while (end < out.length && out[end] !== ',' && out[end] !== '}') end++;
    out = out.slice(0, start) + token + out.slice(end);
  }
  return out;
}

function isExecute(cmd: unknown): boolean {
  return typeof cmd === 'string' && cmd.length === 7 && cmd.toLowerCase() === SipsvcPattern.EXECUTE;
}

/** a reqNo/seq value the transport echoes (serialises in constant stack depth). */
function isEchoable(v: unknown): v is string | number {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}
