import { Logger } from '@nestjs/common';
import { ViciClient, ViciClosedError, ViciInput, ViciSection } from '../../libs/vici/src';
import { errorText } from '../common/error-text';
import { segwIncident } from './segw-incidents';
import { InitiateResult, IpsecControl, IpsecEventSink, IpsecSecret } from './ipsec-control';

/** Slack above charon's own initiate timeout before the client gives the socket up. */
const COMMAND_SLACK_MS = 5000;

/** {@link IpsecControl} on a charon VICI socket. */
export class ViciIpsecControl implements IpsecControl {
  private readonly log = new Logger('SegwVici');
  private client: ViciClient | null = null;
  /** probe channels in flight, closed with the main one. */
  private readonly probes = new Set<ViciClient>();

  constructor(
    private readonly socketPath: string,
    private readonly maxCommandMs: number,
  ) {}

  async connect(sink: IpsecEventSink): Promise<{ daemon: string; version: string }> {
    this.close();
    const client = await ViciClient.connect(this.socketPath, {
      commandTimeoutMs: this.maxCommandMs + COMMAND_SLACK_MS,
      onSubscriberError: (e, event) =>
        this.log.error(
          segwIncident(
            'strongswan-api-failed',
            `VICI event '${event}' handler failed: ${errorText(e)}`,
          ),
        ),
    });
    this.client = client;
    client.once('close', (e?: Error) => {
      if (this.client === client) this.client = null;
      sink.closed(e?.message);
    });
    const v = await client.request('version');
    await client.subscribe('ike-updown', (_n, m) => this.dispatchUpdown(sink, m));
    // child-updown only for the debug log: the IKE SA decides. `alert` exists from 6.0.3.
    await client.subscribe('child-updown', (_n, m) =>
      this.log.debug(`child-updown ${m.up === 'yes' ? 'up' : 'down'}: ${Object.keys(m).join(',')}`),
    );
    const alerts = await client.subscribe('alert', (_n, m) =>
      this.log.warn(segwIncident('strongswan-api-failed', `charon alert: ${String(m.type)}`)),
    );
    this.log.debug(`alert event ${alerts ? 'available' : 'not offered by this charon'}`);
    return { daemon: String(v.daemon), version: String(v.version) };
  }

  close(): void {
    const c = this.client;
    this.client = null;
    c?.close();
    for (const p of this.probes) p.close();
    this.probes.clear();
  }

  async loadShared(s: IpsecSecret): Promise<void> {
    const args: ViciInput = { type: s.type.toUpperCase(), data: s.secret };
    const owners = s.owners ?? (s.id ? [s.id] : undefined);
    checkOk('load-shared', await this.vici().request('load-shared', { ...args, owners }));
  }

  async loadConn(name: string, conn: Record<string, unknown>): Promise<void> {
    checkOk('load-conn', await this.vici().request('load-conn', { [name]: conn as ViciInput }));
  }

  async initiate(ike: string, child: string, timeoutMs: number): Promise<InitiateResult> {
    const r = await this.vici().request('initiate', {
      ike,
      child,
      timeout: timeoutMs,
      'init-limits': 'no',
    });
    return r.success === 'yes'
      ? { ok: true }
      : { ok: false, error: String(r.errmsg ?? 'initiate failed') };
  }

  async terminateIke(ike: string): Promise<void> {
    // force: no DELETE round trip to a SEGW that may be dead; timeout -1: answer at once.
    await this.vici().request('terminate', { ike, force: 'yes', timeout: -1 });
  }

  async probe(name: string, conn: Record<string, unknown>, timeoutMs: number): Promise<boolean> {
    let client: ViciClient | undefined;
    let established = false;
    try {
      client = await ViciClient.connect(this.socketPath, {
        commandTimeoutMs: timeoutMs + COMMAND_SLACK_MS,
      });
      this.probes.add(client);
      // A probe cut short (socket lost) may have left its SA behind: never two at once.
      await client.request('terminate', { ike: name, force: 'yes', timeout: -1 });
      checkOk('load-conn', await client.request('load-conn', { [name]: conn as ViciInput }));
      // `ike` without `child`: charon builds the IKE SA only.
      const r = await client.request('initiate', {
        ike: name,
        timeout: timeoutMs,
        'init-limits': 'no',
      });
      established = r.success === 'yes';
      if (!established) this.log.debug(`probe '${name}': ${String(r.errmsg ?? 'failed')}`);
      return established;
    } catch (e) {
      this.log.debug(`probe '${name}': ${errorText(e)}`);
      return false;
    } finally {
      if (client && !client.isClosed) {
        // An established probe is deleted properly (the SEGW answers; forced after 1 s at
        // worst), a half-open one at once.
        const wait = established ? Math.min(timeoutMs, 1000) : -1;
        await client
          .request('terminate', { ike: name, force: 'yes', timeout: wait })
          .then(() => client!.request('unload-conn', { name }))
          .catch(() => undefined);
        client.close();
      }
      if (client) this.probes.delete(client);
    }
  }

  private vici(): ViciClient {
    if (!this.client) throw new ViciClosedError('VICI not connected');
    return this.client;
  }

  private dispatchUpdown(sink: IpsecEventSink, m: ViciSection): void {
    const up = m.up === 'yes';
    for (const [name, sa] of Object.entries(m)) {
      if (name === 'up' || typeof sa !== 'object' || Array.isArray(sa)) continue;
      sink.ikeUpdown(up, name, {
        uniqueId: str(sa.uniqueid),
        remoteHost: str(sa['remote-host']),
        state: str(sa.state),
      });
    }
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function checkOk(command: string, r: ViciSection): void {
  if (r.success !== 'yes')
    throw new Error(`${command} failed: ${String(r.errmsg ?? 'no reason given')}`);
}
