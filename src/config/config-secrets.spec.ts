/**
 * Issue 21 (operations spec §8.3): no secret in any config message, in `config check` or
 * `config migrate`; the INSUPC logon's fixed-width fields checked at load; `<key>-file`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from './config.loader';
import { problemsOf } from './testing/config-problems';
import { runConfigCli } from './testing/config-cli-run';

const PASSWORD = 'Zq9-LEAK-CANARY-77x';
const TOKEN = 'tok-LEAK-CANARY-42';
const AUTH_KEY = 'key-LEAK-CANARY-9';
const SECRETS = [PASSWORD, TOKEN, AUTH_KEY, 'LEAK'];
const servers = '  clients:\n    - { name: A, host: 127.0.0.1, port: 19000 }\n';

const dir = mkdtempSync(join(tmpdir(), 'insupclient-secrets-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const expectNoSecret = (text: string) => {
  for (const s of SECRETS) expect(text).not.toContain(s);
};

/** A config whose lines around every error hold a secret. */
const good = [
  'security:',
  `  admin-token: ${TOKEN}`,
  '  allowed-clients:',
  `    - { ip: 127.0.0.1, mac: "*", auth-key: ${AUTH_KEY} }`,
  'insupc:',
  `  logon: { logon-id: gw, password: ${PASSWORD.slice(0, 16)} }`,
  servers.trimEnd(),
].join('\n');

describe('YAML syntax errors: file, line, column and reason only', () => {
  const broken: [string, string][] = [
    ['bad indentation', good.replace('  allowed-clients:', ' allowed-clients:')],
    ['unclosed flow map', good.replace(`${AUTH_KEY} }`, AUTH_KEY)],
    ['unclosed quote', good.replace(`admin-token: ${TOKEN}`, `admin-token: "${TOKEN}`)],
    ['tab indentation', good.replace('  logon:', '\tlogon:')],
    ['duplicate key', `${good}\nsecurity: { admin-token: ${TOKEN} }`],
    ['unknown tag', good.replace(`password: ${PASSWORD.slice(0, 16)}`, `password: !${PASSWORD}`)],
    ['bad escape', good.replace(`admin-token: ${TOKEN}`, `admin-token: "\\q${TOKEN}"`)],
    ['stray colon', good.replace('insupc:', `insupc: x: ${PASSWORD}`)],
  ];

  it.each(broken)('%s: one problem, no text of the file', (_, text) => {
    const problems = problemsOf(() => parseConfig(text, {}, '/etc/insupclient.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^\/etc\/insupclient\.yaml: not valid YAML at line \d+, column \d+: [a-z][a-z ]+$/,
    );
    expectNoSecret(problems[0]);
  });

  it('names the line and column of the error (1-based)', () => {
    expect(problemsOf(() => parseConfig('a: 1\nb: [1,\n', {}, 'f.yaml'))).toEqual([
      'f.yaml: not valid YAML at line 3, column 1: deficient indentation',
    ]);
  });

  it.each(broken)('%s: config check and config migrate print none of it', (_, text) => {
    const path = write('broken.yaml', text);
    for (const sub of ['check', 'migrate']) {
      const r = runConfigCli(sub, path);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${path}: not valid YAML at line`);
      expectNoSecret(r.out + r.err);
    }
  });
});

describe('INSUPC logon fields: the widths of DB_LOGON_INFO', () => {
  it('refuses a password, logon id or system name over 16 bytes, naming the key, never the value', () => {
    const text =
      `application: { system-name: ${'S'.repeat(17)} }\n` +
      `insupc:\n  logon: { logon-id: ${'L'.repeat(17)}, password: ${PASSWORD} }\n${servers}`;
    const problems = problemsOf(() => parseConfig(text));
    expect(problems).toEqual([
      expect.stringMatching(/^application\.system-name: must be at most 16 bytes \(UTF-8\)/),
      expect.stringMatching(/^insupc\.logon\.logon-id: must be at most 16 bytes \(UTF-8\)/),
      'insupc.logon.password: must be at most 16 bytes (UTF-8): the DB_LOGON_INFO PASSWORD field (got <redacted>)',
    ]);
    expectNoSecret(problems.join('\n'));
  });

  it('counts bytes, not characters, and takes exactly 16', () => {
    const ok = `insupc:\n  logon: { password: "${'p'.repeat(16)}" }\n${servers}`;
    expect(parseConfig(ok).insupc.logon.password).toBe('p'.repeat(16));
    const wide = `insupc:\n  logon: { password: "${'é'.repeat(9)}" }\n${servers}`;
    expect(problemsOf(() => parseConfig(wide))).toHaveLength(1);
  });

  it('config check refuses the long password without printing it', () => {
    const path = write('long.yaml', `insupc:\n  logon: { password: ${PASSWORD} }\n${servers}`);
    const r = runConfigCli('check', path);
    expect(r.code).toBe(1);
    expect(r.err).toContain('insupc.logon.password: must be at most 16 bytes');
    expectNoSecret(r.out + r.err);
  });
});

describe('<key>-file secrets', () => {
  const files = {
    token: write('admin-token', `${TOKEN}\n`),
    auth: write('auth-key', `${AUTH_KEY}\r\n`),
    password: write('password', 'pw-from-file\n'),
    psk: write('psk', 'psk-from-file\n'),
  };
  const withFiles = [
    `security:\n  admin-token-file: ${files.token}`,
    '  allowed-clients:',
    `    - { ip: 127.0.0.1, mac: "*", auth-key-file: ${files.auth} }`,
    `insupc:\n  logon: { password-file: ${files.password} }\n${servers}`,
    `segw:\n  secrets:\n    - { type: ike, id: gw, secret-file: ${files.psk} }\n`,
  ].join('\n');

  it('reads each secret from its file, the trailing newline removed', () => {
    const c = loadConfig(write('files.yaml', withFiles), {}).config;
    expect(c.security.adminToken).toBe(TOKEN);
    expect(c.security.allowedClients[0].authKey).toBe(AUTH_KEY);
    expect(c.insupc.logon.password).toBe('pw-from-file');
    expect(c.segw.secrets[0].secret).toBe('psk-from-file');
  });

  it('takes the file from an environment variable too', () => {
    const c = loadConfig(write('env.yaml', `insupc:\n${servers}`), {
      INSUPCLIENT_SECURITY_ADMIN_TOKEN_FILE: files.token,
    }).config;
    expect(c.security.adminToken).toBe(TOKEN);
  });

  it('re-reads the file on every load (a rotated Secret applies on reload)', () => {
    const token = write('rotating', 'first\n');
    const path = write('rot.yaml', `security: { admin-token-file: ${token} }\ninsupc:\n${servers}`);
    expect(loadConfig(path, {}).config.security.adminToken).toBe('first');
    writeFileSync(token, 'second\n');
    expect(loadConfig(path, {}).config.security.adminToken).toBe('second');
  });

  it('an unreadable file stops the load naming the key and the path, never content', () => {
    const missing = join(dir, 'no-such-file');
    const text = `insupc:\n  logon: { password-file: ${missing} }\n${servers}`;
    expect(problemsOf(() => parseConfig(text))).toEqual([
      `insupc.logon.password-file: cannot read ${missing} (ENOENT)`,
    ]);
    const both = `security: { admin-token: ${TOKEN}, admin-token-file: ${files.token} }\ninsupc:\n${servers}`;
    const problems = problemsOf(() => parseConfig(both));
    expect(problems).toEqual([
      'security.admin-token and security.admin-token-file are both set: give one of them',
    ]);
    expectNoSecret(problems.join());
  });

  it('a file secret is checked like an inline one (16 bytes), without showing it', () => {
    const long = write('long-password', `${PASSWORD}\n`);
    const problems = problemsOf(() =>
      parseConfig(`insupc:\n  logon: { password-file: ${long} }\n${servers}`),
    );
    expect(problems).toEqual([expect.stringMatching(/^insupc\.logon\.password: must be at most/)]);
    expectNoSecret(problems.join());
  });
});

describe('config migrate and config check print no secret', () => {
  it('migrate leaves each secret value out and says which keys to set again', () => {
    const path = write(
      'inline.yaml',
      `${good}\nsegw:\n  secrets:\n    - { type: ike, secret: LEAK-PSK }\n`,
    );
    const migrated = runConfigCli('migrate', path);
    expect(migrated.code).toBe(0);
    expectNoSecret(migrated.out + migrated.err);
    expect(migrated.out).toContain('logon-id: gw');
    expect(migrated.err.split('\n')).toEqual(
      expect.arrayContaining([
        'WARN security.admin-token: a secret, left out of the output: set it again, or give security.admin-token-file',
        expect.stringMatching(/^WARN security\.allowed-clients\[0\]\.auth-key: /),
        expect.stringMatching(/^WARN insupc\.logon\.password: /),
        expect.stringMatching(/^WARN segw\.secrets\[0\]\.secret: /),
      ]),
    );
    const checked = runConfigCli('check', path);
    expect(checked).toEqual({ code: 0, out: `${path}: OK`, err: '' });
  });

  it('migrate keeps the -file keys: a file with file secrets migrates whole', () => {
    const path = write(
      'files-only.yaml',
      `security: { admin-token-file: ${dir}/admin-token }\ninsupc:\n${servers}`,
    );
    const migrated = runConfigCli('migrate', path);
    expect(migrated.out).toContain(`admin-token-file: ${dir}/admin-token`);
    expect(migrated.err).toBe('');
  });
});
