/**
 * The container image's HEALTHCHECK (`node dist/src/health/liveness-probe.js`): GET
 * /health/live on the admin port of the gateway's own config file (env overrides included),
 * exit 0 on 200, 1 otherwise. Node instead of curl, so the image needs no extra tools.
 */
import 'reflect-metadata';
import { request } from 'node:http';
import { loadConfigFile, resolveConfigPath } from '../config/config.loader';

const TIMEOUT_MS = 2000;

function probeHost(bind: string): string {
  if (bind === '0.0.0.0' || bind === '' || bind === '::') return '127.0.0.1';
  return bind;
}

function main(): void {
  const config = loadConfigFile(resolveConfigPath(process.argv, process.env));
  const req = request(
    {
      host: probeHost(config.server.host),
      port: config.server.port,
      path: '/health/live',
      timeout: TIMEOUT_MS,
    },
    (res) => {
      res.resume();
      process.exit(res.statusCode === 200 ? 0 : 1);
    },
  );
  req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS}ms`)));
  req.on('error', (e) => {
    process.stderr.write(`liveness probe failed: ${e.message}\n`);
    process.exit(1);
  });
  req.end();
}

main();
