import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import pino from 'pino';
import { runConfigCommand } from './config/config-cli';
import { ConfigError, LoadedConfig, loadConfig, resolveConfigPath } from './config/config.loader';
import { checkOpenFilesBudget, raiseOpenFilesLimit } from './lifecycle/fd-limit';
import { ListenError } from './lifecycle/listen-error';
import { installSignalHandlers } from './lifecycle/signal-handlers';

async function main(): Promise<void> {
  const path = resolveConfigPath(process.argv, process.env);
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(path);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // No app logger exists yet: write the same JSON shape synchronously, then stop.
    pino(pino.destination({ dest: 2, sync: true })).fatal(
      { configFile: path, problems: e.problems },
      e.message,
    );
    process.exit(1);
  }
  const { config, warnings } = loaded;
  // Loaded here, not at the top: `config check` / `migrate` need none of the gateway's modules.
  const { startGateway } = await import('./bootstrap');
  const gateway = await startGateway(config, { configPath: path, configWarnings: warnings });
  const log = new Logger('Main');
  installSignalHandlers(
    (signal) => gateway.shutdown(signal),
    (signal) => log.warn(`${signal} received again during shutdown: exiting now`),
  );
  const fdLog = new Logger('FdLimit');
  void raiseOpenFilesLimit(fdLog).then((limit) => checkOpenFilesBudget(config, limit, fdLog));
  log.log(
    `insupclient ${config.application.version} started (config ${path}, admin ${config.server.tls.enabled ? 'https' : 'http'} ${config.server.host}:${gateway.httpPort})`,
  );
}

if (process.argv[2] === 'config') {
  process.exitCode = runConfigCommand(process.argv.slice(3), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  });
} else {
  main().catch((e: unknown) => {
    const fatal = pino(pino.destination({ dest: 2, sync: true }));
    // a port that cannot be bound is one clear line naming it; anything else with its stack
    if (e instanceof ListenError) fatal.fatal({ port: e.port, key: e.key }, e.message);
    else fatal.fatal({ err: e }, 'insupclient failed to start');
    process.exit(1);
  });
}
