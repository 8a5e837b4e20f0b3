import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { renderConfigReference, renderConfigYaml } from './config-docs';
import { allKeys, hotKeys } from './config-model';
import { parseConfig, parseConfigWithWarnings } from './config.loader';
import { AppConfig } from './config.schema';

const read = (path: string) => readFileSync(join(__dirname, '../..', path), 'utf8');

const secretsDir = mkdtempSync(join(tmpdir(), 'insupclient-shipped-secrets-'));
const tlsKeysKnown = allKeys().some((k) => k.yaml === 'server.tls.cert-file');

/**
 * A shipped file as this machine can load it: the Secret files it names (/run/secrets/...,
 * mounted in the pod) replaced by local ones, and, in a build without the TLS keys, the TLS
 * sections of the TLS overlay left out (deploy/k8s/test checks them against the manifests).
 */
function asHere(text: string): string {
  let local = text.replace(/\/run\/secrets\/[^\s,}"]+/g, (path) => {
    const copy = join(secretsDir, path.replace(/\//g, '_'));
    writeFileSync(copy, 'secret\n');
    return copy;
  });
  if (!tlsKeysKnown) {
    const tree = yaml.load(local) as {
      server?: { tls?: unknown };
      tcp?: { server?: { tls?: unknown } };
    };
    delete tree.server?.tls;
    delete tree.tcp?.server?.tls;
    local = yaml.dump(tree);
  }
  return local;
}

describe('generated configuration files', () => {
  it.each([
    ['config/insupclient.yaml', renderConfigYaml],
    ['docs/configuration.md', () => renderConfigReference(read('docs/configuration.md'))],
  ])('%s is what the config classes generate (else run npm run config:docs)', (path, render) => {
    expect(read(path)).toBe(render());
  });

  it('the hot-key list in docs/configuration.md is every @Key({ hot: true }), and only those', () => {
    const doc = read('docs/configuration.md');
    const listed = doc
      .slice(doc.indexOf('## Hot-reloadable keys'), doc.indexOf('## Key reference'))
      .split('\n')
      .filter((l) => l.startsWith('- `'))
      .map((l) => l.slice(3, -1));
    expect(listed.sort()).toEqual(
      hotKeys()
        .map((k) => k.yaml)
        .sort(),
    );
    expect(listed).toEqual(expect.arrayContaining(['tcp.server.idle-timeout']));
  });

  it('keeps the hand-written text around the generated part', () => {
    const out = renderConfigReference(
      'intro\n<!-- BEGIN GENERATED x -->\nSTALE TABLE\n<!-- END GENERATED -->\nafter\n',
    );
    expect(out.startsWith('intro\n<!-- BEGIN GENERATED')).toBe(true);
    expect(out.endsWith('<!-- END GENERATED -->\nafter\n')).toBe(true);
    expect(out).not.toContain('STALE TABLE');
    expect(() => renderConfigReference('no markers')).toThrow('BEGIN/END GENERATED');
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

  it('every other shipped config file (deploy/**/insupclient.yaml) passes config check', () => {
    const deploy = join(__dirname, '../../deploy');
    const shipped = existsSync(deploy)
      ? readdirSync(deploy, { recursive: true, encoding: 'utf8' }).filter((f) =>
          f.endsWith('insupclient.yaml'),
        )
      : [];
    for (const file of shipped) {
      const text = asHere(readFileSync(join(deploy, file), 'utf8'));
      expect({ file, warnings: parseConfigWithWarnings(text, {}, file).warnings }).toEqual({
        file,
        warnings: [],
      });
    }
  });

  it('the reference lists every key, and every key has a description', () => {
    const reference = renderConfigReference(read('docs/configuration.md'));
    for (const key of allKeys()) {
      expect(key.options.doc.trim()).not.toBe('');
      if (!key.options.section) expect(reference).toContain(`| \`${key.yaml}\` |`);
    }
  });
});
