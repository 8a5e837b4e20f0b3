/**
 * `npm run bench`'s simulator process: the INSUPC instances named in argv[2] (comma-separated),
 * silent, on ephemeral loopback ports, reported to the parent over IPC; stops on 'stop'.
 */
import { startSimulator } from '../apps/insupc-simulator/src/insupc-simulator';

async function main(): Promise<void> {
  const names = (process.argv[2] ?? 'INSUPC-1').split(',');
  const sim = await startSimulator({
    instances: names.map((name) => ({ name, dbStatus: 'MA' as const })),
    logger: false,
  });
  process.on('message', (msg) => {
    if (msg === 'stop') void sim.stop().then(() => process.exit(0));
  });
  process.send!({ ports: names.map((n) => sim.port(n)) });
}

void main();
