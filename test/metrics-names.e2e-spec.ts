/**
 * The alert rules and the Grafana dashboard name only metrics the gateway exports: a running
 * gateway's /metrics is scraped and every metric in their expressions looked up in it.
 * Also: the operations spec §6.2 gauges carry live values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import { startGateway, Gateway } from '../src/bootstrap';
import { http } from './support/http';
import { simulatorClients, waitRoutable } from './support/simulator-clients';
import { testConfig } from './support/test-config';

const ROOT = join(__dirname, '..');
/** series Prometheus itself makes for every target. */
const SYNTHETIC = new Set(['up']);

function ruleExpressions(): string[] {
  const doc = load(
    readFileSync(join(ROOT, 'deploy/prometheus/insupclient-rules.yaml'), 'utf8'),
  ) as {
    groups: { rules: { expr: string }[] }[];
  };
  return doc.groups.flatMap((g) => g.rules.map((r) => r.expr));
}

function dashboardExpressions(): string[] {
  const dash = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/insupclient.json'), 'utf8')) as {
    panels: { targets?: { expr: string }[] }[];
    templating: { list: { query?: unknown }[] };
  };
  const panels = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const vars = dash.templating.list
    .map((v) => v.query)
    .filter((q): q is string => typeof q === 'string' && q.includes('('));
  return [...panels, ...vars];
}

/** Metric names in a PromQL expression: known prefixes, and any identifier before `{` or `[`. */
function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\b((?:insupclient|nodejs|process)_[a-zA-Z0-9_]+)/g))
    names.add(m[1]);
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}');
  for (const m of withoutLabels.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{[])/g))
    names.add(m[1]);
  return [...names];
}

/** Every series name /metrics can carry, from its `# TYPE` lines (histogram parts included). */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m;
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

describe('metrics used by the alert rules and the dashboard', () => {
  let sim: InsupcSimulator;
  let gw: Gateway;
  let text: string;

  beforeAll(async () => {
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1' }] });
    gw = await startGateway(testConfig({ insupc: { clients: simulatorClients(sim) } }));
    await waitRoutable(gw);
    const res = await http(gw.httpPort, 'GET', '/metrics');
    expect(res.status).toBe(200);
    text = res.text;
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.stop();
  });

  it('every metric named in deploy/prometheus and deploy/grafana is exported', () => {
    const exported = exportedNames(text);
    const used = [...ruleExpressions(), ...dashboardExpressions()].flatMap(metricNames);
    expect(used.length).toBeGreaterThan(20);
    const missing = [...new Set(used)].filter((n) => !exported.has(n) && !SYNTHETIC.has(n));
    expect(missing).toEqual([]);
  });

  it('carries the §6.2 gauges with live values and the default process metrics', () => {
    for (const line of [
      'insupclient_service_blocked 0',
      'insupclient_load_level 0',
      'insupclient_sessions_open 0',
      'insupclient_sessions_max 10000',
      'insupclient_queue_depth{queue="worker"} 0',
      'insupclient_queue_capacity{queue="sipsvc_recv"} 5000',
      'insupclient_sipsvc_connections{state="pending"} 0',
      'insupclient_insupc_server_routable{server="INSUPC-1"} 1',
      'insupclient_insupc_routable_servers 1',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
    expect(text).toMatch(/^# TYPE insupclient_segw_connection_state gauge$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \S+$/m);
  });
});
