// npm run test:k8s — renders deploy/k8s (base and the SEGW overlay) with kubectl kustomize,
// validates every object against the Kubernetes schemas (kubernetes-models) plus a strict
// unknown-key check, and checks that the Deployment agrees with the gateway's own config
// (parsed by the gateway's config loader from the rendered ConfigMap): ports, probe paths,
// grace period vs drain-timeout, config and data paths, security context; the secrets
// (`<key>-file`) and the TLS material on Secret volumes.
// Needs `npm run build` (the config loader comes from dist/).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';
import { kubectls, render, ROOT, schemaErrors, unknownKeyErrors } from './render.mjs';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const yaml = require('js-yaml');
const { parseConfig } = require(path.join(ROOT, 'dist/src/config/config.loader.js'));
const { allKeys } = require(path.join(ROOT, 'dist/src/config/config-model.js'));

const VARIANTS = [
  { dir: 'deploy/k8s/base', replicas: 3, segw: false, tls: false },
  { dir: 'deploy/k8s/overlays/segw', replicas: 1, segw: true, tls: false },
  { dir: 'deploy/k8s/overlays/tls', replicas: 3, segw: false, tls: true },
];
// the Secrets the operator creates (never rendered): env references and mounted files
const SECRET_VALUES = {
  'insupclient-segw/secrets': '[{"type":"ike","id":"gw@example.net","secret":"x"}]',
  'insupclient-secrets/admin-token': 'admin-token\n',
  'insupclient-secrets/insupc-password': 'insupc-pw\n',
  'insupclient-secrets/auth-key-1': 'auth-key-1\n',
  'insupclient-tls/tls.crt': '-----BEGIN CERTIFICATE-----\n',
  'insupclient-tls/tls.key': '-----BEGIN PRIVATE KEY-----\n',
};
/** Whether the gateway build knows the TLS keys (operations spec §8.1; merged from the tls work). */
const TLS_KEYS_KNOWN = allKeys().some((k) => k.yaml === 'server.tls.cert-file');
const TLS_SKIP =
  !TLS_KEYS_KNOWN && 'this gateway build has no tcp.server.tls / server.tls keys yet';
/** every secret `<key>-file: <path>` and TLS file of a config text (block or flow style). */
const fileKeys = (text) =>
  [
    ...text.matchAll(
      /\b(admin-token-file|password-file|auth-key-file|secret-file|cert-file|key-file|ca-file):\s*"?(\/[^\s,}"]+)/g,
    ),
  ].map((m) => ({ key: m[1], file: m[2] }));

const byKind = (objects, kind) => objects.filter((o) => o.kind === kind);
const one = (objects, kind, name) => {
  const found = objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  assert.equal(found.length, 1, `exactly one ${kind} ${name ?? ''}`);
  return found[0];
};
const under = (file, dir) => file === dir || file.startsWith(`${dir.replace(/\/$/, '')}/`);

/** The container's env as the process sees it (secret refs from SECRET_VALUES). */
function envOf(container) {
  const env = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) env[e.name] = SECRET_VALUES[`${ref.name}/${ref.key}`];
  }
  return env;
}

/** Which volume, mounted where, holds `file` in `container` (the deepest mount wins). */
function mountOf(pod, container, file) {
  const mount = (container.volumeMounts ?? [])
    .filter((m) => under(file, m.mountPath))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  assert.ok(mount, `${file} is on a volume of container ${container.name}`);
  const volume = pod.volumes.find((v) => v.name === mount.name);
  assert.ok(volume, `volume ${mount.name} exists`);
  return { mount, volume };
}

/** The Secret and its key that `file` is in the pod, or an assertion error. */
function secretFileOf(pod, container, file) {
  const { mount, volume } = mountOf(pod, container, file);
  assert.ok(volume.secret, `${file} is on a Secret volume (${volume.name})`);
  assert.equal(mount.readOnly, true, `${file}: Secret mounted read-only`);
  const ref = `${volume.secret.secretName}/${path.relative(mount.mountPath, file)}`;
  assert.ok(ref in SECRET_VALUES, `${file} is ${ref}, a key the operator's Secret has`);
  return ref;
}

/** The config text with the TLS sections left out (for a gateway build without those keys). */
function withoutTls(text) {
  const tree = yaml.load(text);
  delete tree.server?.tls;
  delete tree.tcp?.server?.tls;
  return yaml.dump(tree);
}

/**
 * The gateway config file the pod starts with, parsed and validated by the gateway itself,
 * each `<key>-file` read from the Secret it is mounted from (SECRET_VALUES), and its text.
 */
function gatewayConfig(objects, pod, container) {
  const env = envOf(container);
  const file = env.INSUPCLIENT_CONFIG;
  assert.equal(file, '/etc/insupclient/insupclient.yaml');
  const { mount, volume } = mountOf(pod, container, file);
  assert.ok(volume.configMap, 'the config file comes from a ConfigMap');
  const cm = one(objects, 'ConfigMap', volume.configMap.name);
  const text = cm.data[path.relative(mount.mountPath, file)];
  assert.ok(text, `ConfigMap ${cm.metadata.name} has the config file`);
  let local = TLS_KEYS_KNOWN ? text : withoutTls(text);
  const dir = mkdtempSync(path.join(tmpdir(), 'insupclient-k8s-secrets-'));
  for (const [i, { file: secretFile }] of fileKeys(local).entries()) {
    const copy = path.join(dir, String(i));
    writeFileSync(copy, SECRET_VALUES[secretFileOf(pod, container, secretFile)]);
    local = local.replaceAll(secretFile, copy);
  }
  return { config: parseConfig(local, env, file), text };
}

const portNumber = (container, port) =>
  typeof port === 'number' ? port : container.ports.find((p) => p.name === port)?.containerPort;

for (const kubectl of kubectls()) {
  for (const variant of VARIANTS) {
    describe(`${variant.dir} rendered by ${kubectl}`, () => {
      const objects = render(kubectl, variant.dir);
      const deployment = one(objects, 'Deployment', 'insupclient');
      const pod = deployment.spec.template.spec;
      const gw = pod.containers.find((c) => c.name === 'insupclient');
      const { config, text } = gatewayConfig(objects, pod, gw);

      test('every object is valid by the Kubernetes schema', async () => {
        assert.deepEqual(await schemaErrors(objects), []);
      });

      test('no object has a key its Kubernetes type does not know', () => {
        assert.deepEqual(unknownKeyErrors(objects), []);
      });

      test('every object is in the insupclient namespace; config references resolve', () => {
        for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
          assert.equal(o.metadata.namespace, 'insupclient', `${o.kind}/${o.metadata.name}`);
        }
        for (const v of pod.volumes.filter((x) => x.configMap)) {
          one(objects, 'ConfigMap', v.configMap.name);
        }
      });

      test(`${variant.replicas} replica(s), rolled without losing capacity or doubling SEGW`, () => {
        assert.equal(deployment.spec.replicas, variant.replicas);
        const { maxSurge, maxUnavailable } = deployment.spec.strategy.rollingUpdate;
        if (variant.segw) assert.equal(maxSurge, 0, 'never two charon for one SEGW identity');
        else assert.equal(maxUnavailable, 0);
        const pdb = one(objects, 'PodDisruptionBudget');
        assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
        assert.ok(pdb.spec.minAvailable < variant.replicas || pdb.spec.minAvailable === 0);
      });

      test('ports, Services and probes agree with the gateway config', () => {
        assert.equal(portNumber(gw, 'http'), config.server.port);
        assert.equal(portNumber(gw, 'sipsvc'), config.tcp.server.port);
        assert.equal(gw.readinessProbe.httpGet.path, '/health/ready');
        assert.equal(gw.livenessProbe.httpGet.path, '/health/live');
        assert.equal(portNumber(gw, gw.readinessProbe.httpGet.port), config.server.port);
        assert.equal(portNumber(gw, gw.livenessProbe.httpGet.port), config.server.port);
        const labels = deployment.spec.template.metadata.labels;
        const services = byKind(objects, 'Service');
        assert.equal(services.length, 2);
        for (const s of services) {
          for (const [k, v] of Object.entries(s.spec.selector)) assert.equal(labels[k], v);
        }
        const target = (name) =>
          portNumber(gw, one(objects, 'Service', name).spec.ports[0].targetPort);
        assert.equal(target('insupclient-sipsvc'), config.tcp.server.port);
        assert.equal(target('insupclient-admin'), config.server.port);
        const a = deployment.spec.template.metadata.annotations;
        assert.equal(a['prometheus.io/scrape'], 'true');
        assert.equal(Number(a['prometheus.io/port']), config.server.port);
        assert.equal(a['prometheus.io/path'], '/metrics');
      });

      test('the grace period covers preStop plus the drain timeout', () => {
        const [cmd, seconds] = gw.lifecycle.preStop.exec.command;
        assert.equal(cmd, 'sleep');
        const needMs = Number(seconds) * 1000 + config.application.shutdown.drainTimeout;
        assert.ok(
          pod.terminationGracePeriodSeconds * 1000 > needMs,
          `grace ${pod.terminationGracePeriodSeconds}s > preStop ${seconds}s + drain ${config.application.shutdown.drainTimeout}ms`,
        );
      });

      test('the OAM file is the ConfigMap every replica watches; data is writable', () => {
        const oamFile = config.oam.config.path;
        const { mount, volume } = mountOf(pod, gw, oamFile);
        assert.ok(volume.configMap, 'OAM file from a ConfigMap');
        // no hash suffix: an edit must reach running pods, not roll them
        assert.equal(volume.configMap.name, 'insupclient-oam');
        const oam = JSON.parse(
          one(objects, 'ConfigMap', 'insupclient-oam').data[
            path.relative(mount.mountPath, oamFile)
          ],
        );
        assert.ok(['RUNNING', 'BLOCKED'].includes(oam.appStates.insupclient));
        const stat = mountOf(pod, gw, config.application.stateServer.statFile);
        assert.ok(stat.volume.emptyDir && !stat.mount.readOnly, 'stat-file on a writable volume');
        assert.ok(under(config.application.stateServer.statFile, '/var/lib/insupclient'));
      });

      test('no Service-link variables in the gateway env (they share its INSUPCLIENT_ prefix)', () => {
        assert.equal(pod.enableServiceLinks, false);
        assert.equal(pod.automountServiceAccountToken, false);
      });

      test('the gateway runs non-root, read-only, unprivileged', () => {
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.notEqual(pod.securityContext.runAsUser, 0);
        assert.equal(gw.securityContext.readOnlyRootFilesystem, true);
        assert.equal(gw.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(gw.securityContext.capabilities.drop, ['ALL']);
        assert.equal(gw.securityContext.capabilities.add, undefined);
        assert.ok(gw.resources.requests.cpu && gw.resources.limits.memory);
      });

      test('secrets from the Secret insupclient-secrets: every <key>-file on it, none inline', () => {
        const raw = yaml.load(text);
        assert.equal(raw.security['admin-token'], undefined, 'no inline admin-token');
        assert.equal(raw.insupc.logon.password, undefined, 'no inline INSUPC password');
        for (const c of raw.security['allowed-clients']) assert.equal(c['auth-key'], undefined);
        const refs = fileKeys(text)
          .filter((f) => !['cert-file', 'key-file', 'ca-file'].includes(f.key))
          .map((f) => secretFileOf(pod, gw, f.file));
        assert.deepEqual(refs.sort(), [
          'insupclient-secrets/admin-token',
          'insupclient-secrets/auth-key-1',
          'insupclient-secrets/insupc-password',
        ]);
        // as the gateway reads them: the trailing newline removed
        assert.equal(config.security.adminToken, 'admin-token');
        assert.equal(config.insupc.logon.password, 'insupc-pw');
        assert.equal(config.security.allowedClients[0].authKey, 'auth-key-1');
        const volume = pod.volumes.find((v) => v.secret?.secretName === 'insupclient-secrets');
        assert.equal(volume.secret.defaultMode, 0o440, 'readable by the gateway group only');
      });

      if (variant.tls) {
        test('TLS material from the kubernetes.io/tls Secret, mounted where the config reads it', () => {
          const raw = yaml.load(text);
          for (const [where, tls] of [
            ['tcp.server.tls', raw.tcp.server.tls],
            ['server.tls', raw.server.tls],
          ]) {
            assert.equal(tls?.enabled, true, `${where}.enabled`);
            assert.equal(secretFileOf(pod, gw, tls['cert-file']), 'insupclient-tls/tls.crt');
            assert.equal(secretFileOf(pod, gw, tls['key-file']), 'insupclient-tls/tls.key');
          }
          assert.equal(gw.readinessProbe.httpGet.scheme, 'HTTPS');
          assert.equal(gw.livenessProbe.httpGet.scheme, 'HTTPS');
          assert.equal(
            deployment.spec.template.metadata.annotations['prometheus.io/scheme'],
            'https',
          );
        });

        test(
          'the gateway takes the TLS keys as the overlay writes them',
          { skip: TLS_SKIP },
          () => {
            const raw = yaml.load(text);
            assert.equal(config.tcp.server.tls.enabled, true);
            assert.equal(config.server.tls.enabled, true);
            assert.equal(raw.tcp.server.tls['cert-file'], '/run/secrets/insupclient-tls/tls.crt');
          },
        );
      } else {
        test('the admin port is plain HTTP', () => {
          assert.equal(gw.readinessProbe.httpGet.scheme ?? 'HTTP', 'HTTP');
          assert.equal(yaml.load(text).server.tls, undefined);
        });
      }

      if (variant.segw) {
        test('the charon sidecar shares the VICI socket the gateway is configured with', () => {
          assert.equal(config.segw.enabled, true);
          const charon = pod.containers.find((c) => c.name === 'charon');
          assert.ok(charon, 'charon sidecar');
          assert.ok(charon.securityContext.capabilities.add.includes('NET_ADMIN'));
          // the socket charon creates (0770) must be in the gateway's group
          assert.equal(charon.securityContext.runAsGroup, pod.securityContext.runAsGroup);
          const socketDir = path.dirname(config.segw.viciSocket);
          const mine = mountOf(pod, gw, config.segw.viciSocket);
          const theirs = mountOf(pod, charon, config.segw.viciSocket);
          assert.equal(mine.volume.name, theirs.volume.name);
          assert.ok(mine.volume.emptyDir, 'VICI socket in a shared emptyDir');
          assert.equal(mine.mount.mountPath, socketDir);
          const conf = pod.volumes.find((v) => v.name === 'charon-config').configMap.name;
          assert.match(
            one(objects, 'ConfigMap', conf).data['strongswan.conf'],
            new RegExp(`socket = unix://${config.segw.viciSocket}`),
          );
        });
      }
    });
  }
}

describe('the checks can fail', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'broken' },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      template: { spec: { containers: [{ name: 'x', image: 'x', readinesProbe: {} }] } },
    },
  };
  test('a misspelled optional key is reported', () => {
    const errors = unknownKeyErrors([deployment]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /readinesProbe/);
  });
  test('a wrong type is reported', async () => {
    const bad = structuredClone(deployment);
    bad.spec.replicas = 'three';
    assert.match((await schemaErrors([bad])).join('\n'), /replicas must be integer/);
  });
});

describe('the image agrees with the manifests', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const image = parseConfig(
    readFileSync(path.join(ROOT, 'deploy/container/insupclient.yaml'), 'utf8'),
  );
  test('EXPOSE, INSUPCLIENT_CONFIG and data paths', () => {
    assert.match(
      dockerfile,
      new RegExp(`^EXPOSE ${image.server.port} ${image.tcp.server.port}$`, 'm'),
    );
    assert.match(dockerfile, /INSUPCLIENT_CONFIG=\/etc\/insupclient\/insupclient\.yaml/);
    assert.match(dockerfile, /^ENTRYPOINT \["node", "dist\/src\/main\.js"\]$/m);
    assert.ok(under(image.application.stateServer.statFile, '/var/lib/insupclient'));
    assert.ok(under(image.oam.config.path, '/var/lib/insupclient'));
  });
});
