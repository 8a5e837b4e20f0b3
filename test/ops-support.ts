/** Helpers for the operations e2e specs: temp files and a stand-in statistics server. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'insupclient-ops-'));
  file(name: string): string {
    return join(this.path, name);
  }
  write(name: string, text: string): string {
    writeFileSync(this.file(name), text);
    return this.file(name);
  }
  readJson(name: string): unknown {
    return JSON.parse(readFileSync(this.file(name), 'utf8'));
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** A local HTTP listener standing in for the statistics server; keeps every POSTed body. */
export class StatsServer {
  readonly bodies: unknown[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/stats`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r) ?? r(undefined));
  }
}
