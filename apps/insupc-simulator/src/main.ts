import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';
import { join } from 'node:path';
import { startSimulator } from './insupc-simulator';
import { loadSimulatorConfigFile } from './simulator-config';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * `node dist/apps/insupc-simulator/src/main.js [--config file] [--log-level log|debug|...]`.
 * Config: --config, else INSUPC_SIMULATOR_CONFIG, else apps/insupc-simulator/config/simulator.yaml.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const level = (arg('--log-level') ?? process.env.INSUPC_SIMULATOR_LOG_LEVEL ?? 'log') as LogLevel;
  const upTo = LEVELS.indexOf(level);
  Logger.overrideLogger(
    new ConsoleLogger({ json: true, logLevels: LEVELS.slice(0, upTo < 0 ? 4 : upTo + 1) }),
  );
  const log = new Logger('InsupcSimulator');
  const path =
    arg('--config') ??
    process.env.INSUPC_SIMULATOR_CONFIG ??
    join(process.cwd(), 'apps/insupc-simulator/config/simulator.yaml');
  const simulator = await startSimulator({ config: loadSimulatorConfigFile(path), logger: log });
  log.log(
    `simulator started (config ${path}): ` +
      simulator.instances.map((i) => `${i.name}:${i.port}`).join(', ') +
      `, control http ${simulator.httpPort ?? 'disabled'}`,
  );
  const shutdown = (): void => {
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  new Logger('InsupcSimulator').fatal(`simulator failed to start: ${(e as Error).message}`);
  process.exitCode = 1;
});
