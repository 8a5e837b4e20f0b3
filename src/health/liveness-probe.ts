/**
 * The container image's HEALTHCHECK (`node dist/src/health/liveness-probe.js`): GET
 * /health/live on the admin port of the gateway's own config file (env overrides included),
 * exit 0 on 200, 1 otherwise. Node instead of curl, so the image needs no extra tools.
 * With `server.tls.enabled` it speaks HTTPS; it asks its own process on loopback, so the
 * certificate (issued for the service's name, not 127.0.0.1) is not verified.
 */
import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { loadConfigFile, resolveConfigPath } from '../config/config.loader';

const TIMEOUT_MS = 2000;

function probeHost(bind: string): string {
  if (bind === '0.0.0.0' || bind === '' || bind === '::') return '127.0.0.1';
  return bind;
}

function main(): void {
  const config = loadConfigFile(resolveConfigPath(process.argv, process.env));
  const tls = config.server.tls.enabled;
  const request = tls ? httpsRequest : httpRequest;
  const req = request(
    {
      host: probeHost(config.server.host),
      port: config.server.port,
      path: '/health/live',
      timeout: TIMEOUT_MS,
      ...(tls ? { rejectUnauthorized: false } : {}),
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
