/**
 * Binary INSUPC load generator, straight to INSUPC servers (or an L4 proxy) on loopback:
 *
 *   node dist/apps/insupc-loadgen/src/main.js --port 19000,19100 --connections 8 --window 32
 *   node dist/apps/insupc-loadgen/src/main.js --port 19000 --rate 5000 --duration 10
 *
 * Each connection logs on (DB_ACCESS_REQUEST), then keeps `window` DB_QUERY_REQUESTs
 * outstanding (closed loop) or sends `rate` per second over all connections (open loop): the
 * same shapes and report as sipsvc-loadgen, so `npm run bench` can put the gateway beside the
 * upper bound. Exit status: 0 when every query got exactly one answer, 1 otherwise, 2 on a
 * usage or connect error.
 */
import { formatReport } from '../../sipsvc-loadgen/src/load-report';
import { runInsupcLoad } from './insupc-load-generator';
import { parseInsupcLoadgenArgs } from './insupc-loadgen-options';

async function main(): Promise<number> {
  const options = parseInsupcLoadgenArgs(process.argv.slice(2));
  const report = await runInsupcLoad(options);
  process.stdout.write((options.json ? JSON.stringify(report) : formatReport(report)) + '\n');
  return report.exactlyOnce ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`insupc-loadgen: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
