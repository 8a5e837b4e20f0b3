/**
 * SIPSVC load generator against a gateway on loopback:
 *
 *   npm run loadgen -- --port 15021 --connections 4 --window 32 --duration 10
 *   npm run loadgen -- --rate 5000 --duration 10          (open loop)
 *
 * Credentials default to the first `security.allowed-clients` entry of
 * config/insupclient.yaml (the test client). Prints a summary (or one JSON line with --json);
 * exits 1 when some execute did not get exactly one answer, 2 on a usage or connect error.
 */
import { LoadGenerator } from './load-generator';
import { formatReport } from './load-report';
import { parseLoadgenArgs } from './loadgen-options';

async function main(): Promise<number> {
  const options = parseLoadgenArgs(process.argv.slice(2));
  const report = await new LoadGenerator(options).run();
  process.stdout.write((options.json ? JSON.stringify(report) : formatReport(report)) + '\n');
  return report.exactlyOnce ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`sipsvc-loadgen: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
