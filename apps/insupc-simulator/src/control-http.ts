import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SimulatorError, type SimulatorConfigUpdate, type SimulatorControl } from './simulator-api';
import type { SimulatorLogger } from './simulator-logger';

const MAX_BODY_BYTES = 64 * 1024;

type Body = Record<string, unknown>;
type Route = (body: Body) => unknown;

/**
 * The simulator's HTTP control API (plain node:http: a handful of JSON routes, kept off
 * the binary hot path). Routes are listed in apps/insupc-simulator/README.md.
 */
export class ControlHttpServer {
  private server: Server | undefined;
  private boundPort: number;
  private readonly routes: Record<string, Route>;

  constructor(
    private readonly sim: SimulatorControl,
    private readonly options: { host: string; port: number },
    private readonly log: SimulatorLogger,
  ) {
    this.boundPort = options.port;
    const instanceName = (b: Body): string | undefined =>
      typeof b.instance === 'string' ? b.instance : undefined;
    this.routes = {
      'GET /api/simulator/config': () => sim.view(),
      'POST /api/simulator/config': (b) => sim.update(b as SimulatorConfigUpdate),
      'POST /api/disconnect-clients': (b) => ({
        disconnected: sim.disconnectClients(instanceName(b)),
      }),
      'POST /api/simulator/push-status': (b) => {
        const name = instanceName(b);
        if (typeof b.dbStatus === 'string') {
          for (const target of name ? [name] : sim.instances.map((i) => i.name)) {
            sim.setDbStatus(target, b.dbStatus as never, false);
          }
        }
        return { sent: sim.pushStatus(name) };
      },
      'GET /api/simulator/stats': () => sim.stats(),
      'POST /api/simulator/stats/reset': () => {
        sim.resetStats();
        return sim.stats();
      },
      'POST /api/simulator/instances/stop': async (b) => {
        await sim.stopInstance(requireInstance(b));
        return sim.view();
      },
      'POST /api/simulator/instances/start': async (b) => {
        await sim.startInstance(requireInstance(b));
        return sim.view();
      },
    };
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
    this.log.log(
      `control API on http://${this.options.host}:${this.boundPort}/api/simulator/config`,
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const route = this.routes[`${req.method} ${path}`];
    try {
      if (!route) throw new SimulatorError(`no route ${req.method} ${path}`, 404);
      const body = req.method === 'POST' ? await readJson(req) : {};
      send(res, 200, await route(body));
    } catch (e) {
      const status = e instanceof SimulatorError ? e.status : 500;
      if (status === 500)
        this.log.error(`control API ${req.method} ${path}: ${(e as Error).stack}`);
      send(res, status, { error: (e as Error).message });
    }
  }
}

function requireInstance(b: Body): string {
  if (typeof b.instance !== 'string')
    throw new SimulatorError('body.instance (a name) is required');
  return b.instance;
}

async function readJson(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new SimulatorError(`body larger than ${MAX_BODY_BYTES} bytes`, 413);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new SimulatorError('body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SimulatorError('body must be a JSON object');
  }
  return parsed as Body;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
