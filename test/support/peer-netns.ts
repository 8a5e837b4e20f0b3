/**
 * A peer that is not loopback, for the admin API's access rule (operations spec §8.2): a
 * network namespace joined to this one by a veth pair whose /30 the test assigns itself
 * (10.250.N.0/30: this side .1, the peer .2). Requests leave from inside the namespace
 * through `ip netns exec ... node`; nothing is sent anywhere else. Needs root and iproute2.
 */
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface PeerResponse {
  status: number;
  text: string;
}

interface PeerAnswer {
  id: number;
  status?: number;
  text?: string;
  error?: string;
}

/**
 * Runs inside the namespace for the whole spec: one JSON request per stdin line
 * (`{id, url, method, token}`), one JSON answer per stdout line (`{id, status, text}` or
 * `{id, error}`); one process rather than one per request.
 */
const WORKER = `
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const { id, url, method, token } = JSON.parse(line);
  fetch(url, { method, headers: token ? { authorization: 'Bearer ' + token } : {} })
    .then(async (r) => ({ id, status: r.status, text: await r.text() }))
    .catch((e) => ({ id, error: String(e) }))
    .then((answer) => process.stdout.write(JSON.stringify(answer) + '\\n'));
});
`;

const ip = (...args: string[]) => {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error?.message}`);
};

export class PeerNamespace {
  readonly name = `insupclient-admin-peer-${process.pid}`;
  private readonly octet = (process.pid % 250) + 1;
  readonly hostAddress = `10.250.${this.octet}.1`;
  readonly peerAddress = `10.250.${this.octet}.2`;
  private readonly hostLink = `iap${process.pid % 100000}h`;
  private readonly peerLink = `iap${process.pid % 100000}p`;

  /** Builds the namespace and the veth pair; throws saying why it could not. */
  up(): void {
    this.down();
    ip('netns', 'add', this.name);
    ip('-n', this.name, 'link', 'set', 'lo', 'up');
    ip('link', 'add', this.hostLink, 'type', 'veth', 'peer', 'name', this.peerLink);
    ip('link', 'set', this.peerLink, 'netns', this.name);
    ip('addr', 'add', `${this.hostAddress}/30`, 'dev', this.hostLink);
    ip('link', 'set', this.hostLink, 'up');
    ip('-n', this.name, 'addr', 'add', `${this.peerAddress}/30`, 'dev', this.peerLink);
    ip('-n', this.name, 'link', 'set', this.peerLink, 'up');
  }

  /** Stops the worker, removes both (deleting the namespace deletes the pair); never throws. */
  down(): void {
    this.worker?.kill('SIGKILL');
    this.worker = undefined;
    spawnSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', this.hostLink], { stdio: 'ignore' });
  }

  private worker: ChildProcessWithoutNullStreams | undefined;
  private readonly waiting = new Map<number, (answer: PeerAnswer) => void>();
  private nextId = 0;

  private startWorker(): ChildProcessWithoutNullStreams {
    const worker = spawn('ip', ['netns', 'exec', this.name, process.execPath, '-e', WORKER]);
    createInterface({ input: worker.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as PeerAnswer;
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
    worker.on('exit', (code) => {
      for (const settle of this.waiting.values())
        settle({ id: -1, error: `worker exited ${code}` });
      this.waiting.clear();
    });
    return worker;
  }

  /** `method path` on this side's address at `port`, sent from the peer. */
  async request(port: number, method: string, path: string, token = ''): Promise<PeerResponse> {
    this.worker ??= this.startWorker();
    const id = this.nextId++;
    const url = `http://${this.hostAddress}:${port}${path}`;
    const answer = await new Promise<PeerAnswer>((resolve) => {
      this.waiting.set(id, resolve);
      this.worker!.stdin.write(`${JSON.stringify({ id, url, method, token })}\n`);
    });
    if (answer.error !== undefined)
      throw new Error(`${method} ${url} from ${this.name}: ${answer.error}`);
    return { status: answer.status!, text: answer.text! };
  }
}

/**
 * `describe` when a namespace can be built here; else, outside CI, `describe.skip` after a
 * loud banner (as the SEGW lab specs do). Under CI=true always `describe`: CI runs as root
 * with iproute2, so a namespace that cannot be built fails the spec rather than skipping it.
 */
export function describeIfNetnsRuns(what: string) {
  if (process.env.CI === 'true') return describe;
  const why = netnsUnavailable();
  if (!why) return describe;
  process.stderr.write(
    `\n\n*** NETWORK NAMESPACES UNAVAILABLE — ${what} SKIPPED, NOT PASSED ***\n*** ${why} ***\n\n`,
  );
  return describe.skip;
}

function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  const probe = `insupclient-netns-probe-${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return `ip netns add failed: ${(r.stderr || r.error?.message || '').trim()}`;
  spawnSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  return undefined;
}
