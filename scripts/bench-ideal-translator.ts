/**
 * The `ideal` bench path (`npm run bench -- --paths gateway,ideal`): the least CPU per execute
 * any Node translator can spend on Node's public socket API, to show where the floor of the
 * gateway's own hot path lies (docs/benchmark.md, "The least any Node translator spends").
 *
 * It does what `../shared/bench/min-gateway.mjs` does (newline-delimited SIPSVC JSON in, one
 * `JSON.parse`, one DB_QUERY out, one reply back; no auth, load control, timers or statistics)
 * with every batching trick and nothing allocated that can be avoided: the DB_QUERYs of one
 * loop turn leave in one writev per INSUPC connection (corked until `setImmediate`), the
 * pending table is three arrays indexed by TRANSACTION_ID, lines are found with
 * `Buffer.indexOf`, SQL_OUTPUT is spliced into the reply unparsed. Never a product: a
 * yardstick.
 *
 * Forked by the bench as `bench-ideal-translator.js --port P --insupc I --pool N`.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import {
  encodeDbAccessRequest,
  encodeDbQueryRequest,
  FrameDecoder,
  MsgCode,
  readSqlOutput,
  ResultCode,
} from '../libs/insupc-protocol/src';

interface Execute {
  cmd: string;
  reqNo: unknown;
  seq?: unknown;
  reqBody?: { apiName?: unknown; inputParams?: unknown[] };
}

const SLOTS = 1 << 16;
const MASK = SLOTS - 1;
const replyTo: (Socket | null)[] = new Array<Socket | null>(SLOTS).fill(null);
const reqNos: string[] = new Array<string>(SLOTS).fill('');
const seqs: string[] = new Array<string>(SLOTS).fill('');
const pool: { socket: Socket; sessionId: string }[] = [];
let nextTx = 1;
let corked = false;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const uncorkPool = (): void => {
  corked = false;
  for (const c of pool) c.socket.uncork();
};

function logOn(port: number, sessionId: string): Promise<void> {
  return new Promise((ready) => {
    const socket = createConnection({ port, host: '127.0.0.1', noDelay: true });
    const decoder = new FrameDecoder({
      onFrame: (f) => {
        if (f.msgCode === MsgCode.DB_ACCESS_RESPONSE) {
          pool.push({ socket, sessionId });
          ready();
          return;
        }
        if (f.msgCode !== MsgCode.DB_QUERY_RESPONSE) return;
        const k = f.transactionId & MASK;
        const client = replyTo[k];
        if (!client) return;
        replyTo[k] = null;
        const result = f.result === ResultCode.SUCCESS ? 0 : 7;
        client.write(
          `{"cmd":"execute","reqNo":${reqNos[k]},"seq":${seqs[k]},"result":${result},` +
            `"resultCode":${result},"resultDesc":"Completed successfully","data":${readSqlOutput(f) ?? 'null'}}\n`,
        );
      },
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('connect', () =>
      socket.write(
        encodeDbAccessRequest(
          { asId: 100, transactionId: 0, sessionId },
          { systemName: 'IDEAL', logonId: 'ideal', password: '' },
        ),
      ),
    );
  });
}

function onRequest(sock: Socket, req: Execute): void {
  if (req.cmd === 'auth') {
    sock.write(
      `{"cmd":"auth","reqNo":${JSON.stringify(req.reqNo)},"result":0,` +
        `"resultDesc":"Completed successfully","sessionState":"ACTIVE","token":"x"}\n`,
    );
    return;
  }
  const conn = pool[nextTx % pool.length];
  const tx = nextTx++ >>> 0;
  const k = tx & MASK;
  replyTo[k] = sock;
  reqNos[k] = JSON.stringify(req.reqNo);
  seqs[k] = JSON.stringify(req.seq ?? null);
  if (!corked) {
    corked = true;
    for (const c of pool) c.socket.cork();
    setImmediate(uncorkPool);
  }
  const body = req.reqBody ?? {};
  conn.socket.write(
    encodeDbQueryRequest(
      { asId: 100, transactionId: tx, sessionId: conn.sessionId },
      String(body.apiName),
      (body.inputParams ?? []).map(String),
    ),
  );
}

async function main(): Promise<void> {
  const insupc = Number(arg('insupc', '0'));
  const size = Number(arg('pool', '2'));
  await Promise.all(Array.from({ length: size }, (_, i) => logOn(insupc, `IDEAL_${i}`)));
  createServer({ noDelay: true }, (sock) => {
    let rest: Buffer | null = null;
    sock.on('data', (data: Buffer) => {
      const chunk: Buffer = rest ? Buffer.concat([rest, data]) : data;
      rest = null;
      let start = 0;
      let nl: number;
      while ((nl = chunk.indexOf(10, start)) >= 0) {
        onRequest(sock, JSON.parse(chunk.toString('utf8', start, nl)) as Execute);
        start = nl + 1;
      }
      if (start < chunk.length) rest = chunk.subarray(start);
    });
    sock.on('error', () => sock.destroy());
  }).listen(Number(arg('port', '0')), '127.0.0.1', () => process.send?.({ ready: true }));
}

void main();
