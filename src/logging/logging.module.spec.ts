import type { DynamicModule, Provider } from '@nestjs/common';
import { PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import type { AppConfig, LogLevel } from '../config/config.schema';
import { LoggingModule } from './logging.module';

/** the nestjs-pino params LoggingModule passes on, for a given logging.level. */
function pinoParams(level: LogLevel): Params {
  const config = { logging: { level, file: '' } } as unknown as AppConfig;
  const pino = LoggingModule.forRoot(config).imports![0] as DynamicModule;
  const provider = pino.providers!.find(
    (p: Provider) => typeof p === 'object' && 'provide' in p && p.provide === PARAMS_PROVIDER_TOKEN,
  ) as { useValue: Params };
  return provider.useValue;
}

describe('LoggingModule HTTP request logging', () => {
  it.each<LogLevel>(['fatal', 'error', 'warn', 'info', 'silent'])(
    'is not installed at %s (no per-request AsyncLocalStorage)',
    (level) => expect(pinoParams(level).forRoutes).toEqual([]),
  );

  it.each<LogLevel>(['debug', 'trace'])('is installed for every route at %s', (level) =>
    expect(pinoParams(level).forRoutes).toBeUndefined(),
  );
});
