/**
 * HAProxy in TCP mode on loopback: the stand-in for a Kubernetes Service (an L4 balancer)
 * in front of several gateway instances. Needs the `haproxy` binary (Debian package
 * `haproxy`; .ci/run installs it).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { waitFor } from './wait-for';

export interface HaproxyBackend {
  name: string;
  port: number;
}

export class Haproxy {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private out = '';

  constructor(
    private readonly configFile: string,
    readonly port: number,
    private readonly backends: HaproxyBackend[],
  ) {}

  static assertInstalled(): void {
    if (spawnSync('haproxy', ['-v']).status !== 0) {
      throw new Error('haproxy not found: apt-get install haproxy (.ci/run installs it)');
    }
  }

  async start(): Promise<void> {
    // Round robin over the instances; a TCP check every 100 ms marks a stopped listener down,
    // and a connection refused in between is retried on another instance (redispatch), as a
    // Service stops routing to a terminating pod.
    const servers = this.backends
      .map((b) => `  server ${b.name} 127.0.0.1:${b.port} check inter 100 fall 1 rise 2`)
      .join('\n');
    writeFileSync(
      this.configFile,
      `global
  maxconn 2000
defaults
  mode tcp
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  retries 3
  option redispatch
frontend sipsvc
  bind 127.0.0.1:${this.port}
  default_backend gateways
backend gateways
  balance roundrobin
${servers}
`,
    );
    const proc = spawn('haproxy', ['-db', '-f', this.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stdout!.on('data', (b: Buffer) => (this.out += b.toString()));
    proc.stderr!.on('data', (b: Buffer) => (this.out += b.toString()));
    this.exited = new Promise((r) => proc.once('exit', () => r()));
    await waitFor(() => this.accepts(), 10000, `haproxy listening; output:\n${this.out}`);
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = connect(this.port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  }

  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    await this.exited;
  }
}
