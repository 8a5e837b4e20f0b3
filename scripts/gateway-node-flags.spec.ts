import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from './lib/processes';

/**
 * The bench and the soak start the gateway with GATEWAY_NODE_FLAGS; production starts it from
 * the Dockerfile or `npm start`. A flag changed in one place only would make the benchmark
 * figures describe a process nobody runs.
 */
describe('gateway node flags', () => {
  const root = join(__dirname, '..');
  const expected = ['node', ...GATEWAY_NODE_FLAGS, 'dist/src/main.js'];

  it('the image entrypoint runs node with exactly the benchmarked flags', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const line = dockerfile.split('\n').find((l) => l.startsWith('ENTRYPOINT '));
    expect(line).toBeDefined();
    expect(JSON.parse(line!.slice('ENTRYPOINT '.length))).toEqual(expected);
  });

  it.each(['start', 'start:prod'])('npm run %s runs node with the same flags', (script) => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const command = pkg.scripts[script].split('&&').pop()!.trim();
    expect(command.split(/\s+/)).toEqual(expected);
  });
});
