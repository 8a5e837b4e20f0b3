/**
 * A tiny SIPSVC client for operators and developers:
 *
 *   npm run client -- auth
 *   npm run client -- heartbeat
 *   npm run client -- execute mcidGetProfile 01012345678
 *
 * Flags (defaults = the test client of config/insupclient.yaml):
 *   --host 127.0.0.1 --port 15021 --framing json-stream|length-prefixed
 *   --ip 127.0.0.1 --mac 000000000001 --key TEST_AUTH_KEY_001 (plain; sent Base64-encoded)
 * Prints each response as one JSON line; exits 0 when the last result is 0.
 */
import { SipsvcFraming } from '../../../libs/sipsvc-protocol/src/frame-encoder';
import { SipsvcClient, SipsvcMessage } from '../../../libs/sipsvc-protocol/src/sipsvc-client';

interface Options {
  host: string;
  port: number;
  framing: SipsvcFraming;
  ip: string;
  mac: string;
  key: string;
  positional: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    host: '127.0.0.1',
    port: 15021,
    framing: 'json-stream',
    ip: '127.0.0.1',
    mac: '000000000001',
    key: 'TEST_AUTH_KEY_001',
    positional: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      o.positional.push(a);
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`missing value for ${a}`);
    switch (a) {
      case '--host':
        o.host = v;
        break;
      case '--port':
        o.port = Number(v);
        break;
      case '--framing':
        if (v !== 'json-stream' && v !== 'length-prefixed') throw new Error(`bad --framing ${v}`);
        o.framing = v;
        break;
      case '--ip':
        o.ip = v;
        break;
      case '--mac':
        o.mac = v;
        break;
      case '--key':
        o.key = v;
        break;
      default:
        throw new Error(`unknown flag ${a}`);
    }
  }
  return o;
}

function print(msg: SipsvcMessage): void {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const [command = 'auth', ...rest] = o.positional;
  const client = await SipsvcClient.connect({ host: o.host, port: o.port, framing: o.framing });
  try {
    const auth = await client.request({
      cmd: 'auth',
      ipAddr: o.ip,
      macAddr: o.mac,
      accessKey: Buffer.from(o.key, 'utf8').toString('base64'),
    });
    print(auth);
    if (auth.result !== 0 || command === 'auth') return auth.result === 0 ? 0 : 1;
    const token = auth.token;
    let res: SipsvcMessage;
    if (command === 'heartbeat') {
      res = await client.request({ cmd: 'heartBeat', token });
    } else if (command === 'execute') {
      const [apiName, ...inputParams] = rest;
      if (!apiName) throw new Error('usage: execute <apiName> [param ...]');
      res = await client.request({
        cmd: 'execute',
        token,
        seq: '001',
        service: apiName,
        reqBody: { apiName, inputParams },
      });
    } else {
      throw new Error(`unknown command ${command} (auth | heartbeat | execute)`);
    }
    print(res);
    return res.result === 0 ? 0 : 1;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`sipsvc-client: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
