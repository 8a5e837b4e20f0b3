import { LoggerService } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Test, TestingModule } from '@nestjs/testing';
import { INSUPC_STATE, InsupcStateSource } from '../src/contracts/state-sources';
import { AppConfigModule } from '../src/config/app-config.module';
import { AppConfig, InsupcClientConfig } from '../src/config/config.schema';
import { INSUPC_QUERY, InsupcQueryPort } from '../src/contracts/insupc-query.port';
import { InsupcModule } from '../src/insupc/insupc.module';
import { StatisticsModule } from '../src/statistics/statistics.module';
import { StatisticsService } from '../src/statistics/statistics.service';
import { SectionObject } from '../src/contracts/counters';
import type { Balancing } from '../src/config/schema/insupc.schema';
import { testConfig } from './support/test-config';

export interface LogLine {
  level: 'log' | 'warn' | 'error' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
}

/** Keeps every log line in memory so specs can assert the exact texts operators grep for. */
export class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  private readonly echo = process.env.TEST_LOG_LEVEL === 'debug';

  private add(level: LogLine['level'], message: unknown, context?: unknown): void {
    const line = { level, message: String(message), context: context as string | undefined };
    this.lines.push(line);
    if (this.echo) process.stderr.write(`${level} [${line.context}] ${line.message}\n`);
  }
  log(m: unknown, c?: unknown): void {
    this.add('log', m, c);
  }
  warn(m: unknown, c?: unknown): void {
    this.add('warn', m, c);
  }
  error(m: unknown, ...rest: unknown[]): void {
    this.add('error', m, rest[rest.length - 1]);
  }
  debug(m: unknown, c?: unknown): void {
    this.add('debug', m, c);
  }
  verbose(m: unknown, c?: unknown): void {
    this.add('verbose', m, c);
  }
  fatal(m: unknown, c?: unknown): void {
    this.add('fatal', m, c);
  }

  has(prefix: string, level?: LogLine['level']): boolean {
    return this.lines.some((l) => l.message.startsWith(prefix) && (!level || l.level === level));
  }
  count(prefix: string, level?: LogLine['level']): number {
    return this.lines.filter((l) => l.message.startsWith(prefix) && (!level || l.level === level))
      .length;
  }
  clear(): void {
    this.lines.length = 0;
  }
}

/** Short timers for every INSUPC client entry of a test gateway. */
export const FAST_CLIENT: Partial<InsupcClientConfig> = {
  connectionPoolSize: 1,
  connectTimeout: 500,
  readTimeout: 2000,
  retryInterval: 50,
  heartbeatInterval: 200,
  heartbeatTimeout: 150,
  heartbeatMaxMisses: 2,
};

/** a `client` entry of the statistics snapshot */
export type InsupcServerStats = SectionObject & Record<string, number> & { dbStatus: string };

export interface TransportHarness {
  config: AppConfig;
  query: InsupcQueryPort;
  state: InsupcStateSource;
  /** one INSUPC server's entry of the statistics snapshot (counters and live dbStatus) */
  stats: { insupc(name: string): InsupcServerStats };
  logs: CapturingLogger;
  server(name: string): ReturnType<InsupcStateSource['describeServers']>[number];
  close(): Promise<void>;
}

/**
 * The INSUPC module alone (with config and statistics), connected to `servers`. Built as a
 * Nest application context so lifecycle hooks (connect on bootstrap, release on shutdown)
 * run exactly as in the gateway.
 */
export async function startTransport(
  servers: { name: string; port: number; overrides?: Partial<InsupcClientConfig> }[],
  message: { sessionTimeout?: number } = {},
  insupc: { balancing?: Balancing } = {},
): Promise<TransportHarness> {
  const config = testConfig({
    message,
    // logs go to the capturing logger below, not to pino; debug so per-request lines show
    logging: { level: 'debug' },
    insupc: {
      ...insupc,
      logon: { logonId: 'insupclient', password: 'secret' },
      clients: servers.map((s) => ({
        name: s.name,
        host: '127.0.0.1',
        port: s.port,
        ...FAST_CLIENT,
        ...s.overrides,
      })),
    },
  });
  const logs = new CapturingLogger();
  const moduleRef: TestingModule = await Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot(config),
      ScheduleModule.forRoot(),
      StatisticsModule,
      InsupcModule,
    ],
  })
    .setLogger(logs)
    .compile();
  moduleRef.useLogger(logs);
  moduleRef.enableShutdownHooks();
  await moduleRef.init();
  const state = moduleRef.get<InsupcStateSource>(INSUPC_STATE);
  return {
    config,
    query: moduleRef.get<InsupcQueryPort>(INSUPC_QUERY),
    state,
    stats: {
      insupc: (name) =>
        moduleRef.get(StatisticsService).snapshot('e2e').client[name] as InsupcServerStats,
    },
    logs,
    server: (name) => {
      const s = state.describeServers().find((x) => x.name === name);
      if (!s) throw new Error(`no server ${name}`);
      return s;
    },
    close: () => moduleRef.close(),
  };
}
