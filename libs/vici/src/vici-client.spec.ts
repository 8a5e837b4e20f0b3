import { createServer, Server, Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ViciClient, ViciClosedError, ViciError } from './vici-client';
import { decodePacket, encodePacket, PacketType, ViciFrameDecoder, ViciPacket } from './vici-wire';

/** A scripted VICI daemon on a unix socket: `onPacket` answers each client packet. */
async function fakeDaemon(onPacket: (p: ViciPacket, send: (b: Buffer) => void, s: Socket) => void) {
  const path = join(mkdtempSync(join(tmpdir(), 'vici-')), 'vici.sock');
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    const dec = new ViciFrameDecoder();
    s.on('data', (c) =>
      dec.push(c).forEach((seg) => onPacket(decodePacket(seg), (b) => s.write(b), s)),
    );
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(path, r));
  return {
    path,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('ViciClient', () => {
  let client: ViciClient | undefined;
  afterEach(() => client?.close());

  it('streams list-sas: registers, delivers events arriving mid-command, unregisters', async () => {
    const seen: string[] = [];
    const d = await fakeDaemon((p, send) => {
      seen.push(`${p.type}:${p.name ?? ''}`);
      if (p.type === PacketType.EVENT_REGISTER || p.type === PacketType.EVENT_UNREGISTER) {
        send(encodePacket({ type: PacketType.EVENT_CONFIRM }));
      } else if (p.name === 'list-sas') {
        // events and the response in one write, split oddly by the kernel or not
        send(
          Buffer.concat([
            encodePacket({
              type: PacketType.EVENT,
              name: 'list-sa',
              message: { a: { state: 'ESTABLISHED' } },
            }),
            encodePacket({
              type: PacketType.EVENT,
              name: 'list-sa',
              message: { b: { state: 'CONNECTING' } },
            }),
            encodePacket({ type: PacketType.CMD_RESPONSE, message: {} }),
          ]),
        );
      }
    });
    client = await ViciClient.connect(d.path);
    const sas: string[] = [];
    await client.streamedRequest('list-sas', 'list-sa', {}, (m) => sas.push(...Object.keys(m)));
    expect(sas).toEqual(['a', 'b']);
    expect(seen).toEqual(['3:list-sa', '0:list-sas', '4:list-sa']);
    client.close();
    await d.close();
  });

  it('runs one command at a time and matches answers in order', async () => {
    const d = await fakeDaemon((p, send) =>
      setTimeout(
        () => send(encodePacket({ type: PacketType.CMD_RESPONSE, message: { echo: p.name! } })),
        5,
      ),
    );
    client = await ViciClient.connect(d.path);
    const answers = await Promise.all(
      ['version', 'stats', 'get-pools'].map((c) => client!.request(c)),
    );
    expect(answers.map((a) => a.echo)).toEqual(['version', 'stats', 'get-pools']);
    client.close();
    await d.close();
  });

  it('probes events: EVENT_UNKNOWN resolves false; events reach subscribers any time', async () => {
    let sock: Socket | undefined;
    const d = await fakeDaemon((p, send, s) => {
      sock = s;
      const known = p.name !== 'alert';
      send(encodePacket({ type: known ? PacketType.EVENT_CONFIRM : PacketType.EVENT_UNKNOWN }));
    });
    client = await ViciClient.connect(d.path);
    const events: string[] = [];
    expect(await client.subscribe('alert', () => undefined)).toBe(false);
    expect(await client.subscribe('ike-updown', (_n, m) => events.push(m.up as string))).toBe(true);
    sock!.write(
      encodePacket({ type: PacketType.EVENT, name: 'ike-updown', message: { up: 'yes' } }),
    );
    await new Promise<void>((r) => {
      const t = setInterval(() => events.length && (clearInterval(t), r()), 2);
    });
    expect(events).toEqual(['yes']);
    client.close();
    await d.close();
  });

  it('reports an unknown command, and fails waiting and queued commands when the socket dies', async () => {
    const d = await fakeDaemon((p, send, s) => {
      if (p.name === 'nope') send(encodePacket({ type: PacketType.CMD_UNKNOWN }));
      else s.destroy(); // daemon dies with the command outstanding
    });
    client = await ViciClient.connect(d.path);
    await expect(client.request('nope')).rejects.toThrow(ViciError);
    const closed = new Promise((r) => client!.once('close', r));
    const a = client.request('version');
    const b = client.request('stats');
    await expect(a).rejects.toBeInstanceOf(ViciClosedError);
    await expect(b).rejects.toBeInstanceOf(ViciClosedError);
    await closed;
    await expect(client.request('version')).rejects.toBeInstanceOf(ViciClosedError);
    await d.close();
  });

  it('closes the connection on garbage from the daemon and on a command that never answers', async () => {
    const d = await fakeDaemon((p, send) => {
      if (p.name === 'garbage') send(Buffer.from([0, 0, 0, 1, 99]));
    });
    client = await ViciClient.connect(d.path, { commandTimeoutMs: 50 });
    await expect(client.request('garbage')).rejects.toBeInstanceOf(ViciClosedError);
    client = await ViciClient.connect(d.path, { commandTimeoutMs: 50 });
    await expect(client.request('silence')).rejects.toThrow('no answer');
    expect(client.isClosed).toBe(true);
    await d.close();
  });

  it('rejects connecting to a socket nobody listens on', async () => {
    await expect(ViciClient.connect('/nonexistent/vici.sock')).rejects.toThrow();
  });

  it('a throwing event subscriber is reported; other subscribers, later events and commands go on', async () => {
    const d = await fakeDaemon((p, send) => {
      if (p.type === PacketType.EVENT_REGISTER) {
        send(encodePacket({ type: PacketType.EVENT_CONFIRM }));
      } else if (p.name === 'version') {
        const event = (n: string) =>
          encodePacket({ type: PacketType.EVENT, name: 'ike-updown', message: { n } });
        send(Buffer.concat([event('1'), event('2')]));
        send(encodePacket({ type: PacketType.CMD_RESPONSE, message: { version: '6' } }));
      }
    });
    const reported: string[] = [];
    client = await ViciClient.connect(d.path, {
      onSubscriberError: (e, event) => reported.push(`${event}: ${(e as Error).message}`),
    });
    const got: string[] = [];
    await client.subscribe('ike-updown', () => {
      throw new Error('subscriber bug');
    });
    await client.subscribe('ike-updown', (_n, m) => got.push(String(m.n)));
    const r = await client.request('version');
    expect(r.version).toBe('6');
    expect(got).toEqual(['1', '2']);
    expect(reported).toEqual(['ike-updown: subscriber bug', 'ike-updown: subscriber bug']);
    expect(client.isClosed).toBe(false);
    await d.close();
  });
});
