// node deploy/k8s/test/podman-play.mjs <kubectl> <out.yaml> <insupc-host>
// Renders deploy/k8s/base and writes what `podman kube play` can run on one machine, for the
// container test: the ConfigMaps and the Deployment with one replica, the INSUPC servers
// pointed at <insupc-host>:19000, and no container ports (podman 4.3 would publish them on
// the host; the probes get numbers instead of port names), and the operator's Secret
// insupclient-secrets as a ConfigMap of the same name holding test values (podman 4.3 plays
// no Secret objects), mounted where the Secret would be. Everything else — image, env,
// config and OAM ConfigMap mounts, emptyDirs, security context — stays as rendered.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { render } from './render.mjs';

const yaml = createRequire(import.meta.url)('js-yaml');
const [kubectl, out, insupcHost] = process.argv.slice(2);
if (!kubectl || !out || !insupcHost) {
  console.error('usage: podman-play.mjs <kubectl> <out.yaml> <insupc-host>');
  process.exit(2);
}

const objects = render(kubectl, 'deploy/k8s/base').filter((o) =>
  ['ConfigMap', 'Deployment'].includes(o.kind),
);
const deployment = objects.find((o) => o.kind === 'Deployment');
deployment.spec.replicas = 1;
/** what the container test's clients and admin calls use (scripts/container-test.sh). */
const TEST_SECRETS = {
  'admin-token': 'container-test-admin-token\n',
  'auth-key-1': 'TEST_AUTH_KEY_001\n',
  'insupc-password': '\n',
};
for (const volume of deployment.spec.template.spec.volumes) {
  if (volume.secret?.secretName !== 'insupclient-secrets') continue;
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'insupclient-secrets', namespace: deployment.metadata.namespace },
    data: TEST_SECRETS,
  });
  volume.configMap = { name: 'insupclient-secrets' };
  delete volume.secret;
}
for (const c of deployment.spec.template.spec.containers) {
  const byName = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
  for (const probe of [c.readinessProbe, c.livenessProbe]) {
    if (probe?.httpGet && typeof probe.httpGet.port === 'string') {
      probe.httpGet.port = byName[probe.httpGet.port];
    }
  }
  delete c.ports;
  c.env = [
    ...(c.env ?? []),
    {
      name: 'INSUPCLIENT_INSUPC_CLIENTS',
      value: JSON.stringify([{ name: 'INSUPC-1', host: insupcHost, port: 19000 }]),
    },
  ];
}
writeFileSync(out, objects.map((o) => yaml.dump(o)).join('---\n'));
