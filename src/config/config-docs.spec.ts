import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigReference, renderConfigYaml } from './config-docs';
import { allKeys } from './config-model';
import { parseConfig } from './config.loader';
import { AppConfig } from './config.schema';

const read = (path: string) => readFileSync(join(__dirname, '../..', path), 'utf8');

describe('generated configuration files', () => {
  it.each([
    ['config/insupclient.yaml', renderConfigYaml],
    ['docs/configuration.md', renderConfigReference],
  ])('%s is what the config classes generate (else run npm run config:docs)', (path, render) => {
    expect(read(path)).toBe(render());
  });

  it('the generated YAML loads to exactly the defaults plus its example entries', () => {
    const config = parseConfig(renderConfigYaml());
    const defaults = new AppConfig();
    expect({ ...config, insupc: { ...config.insupc, clients: [] } }).toEqual({
      ...defaults,
      security: { ...defaults.security, allowedClients: config.security.allowedClients },
    });
    expect(config.insupc.clients).toHaveLength(1);
  });

  it('the reference lists every key, and every key has a description', () => {
    const reference = renderConfigReference();
    for (const key of allKeys()) {
      expect(key.options.doc.trim()).not.toBe('');
      if (!key.options.section) expect(reference).toContain(`| \`${key.yaml}\` |`);
    }
  });
});
