/**
 * Per-phase timestamps on a sample of executes, for bench-probe.ts: wraps a few prototype
 * methods of the built gateway (no change to its code). One execute in 8 is followed:
 *
 *   invoke   HandlerSettlement.invoke: the request left the SIPSVC receive queue
 *   handle   ExecuteService.handle: Nest's RPC pipeline delivered it (session.startedAt)
 *   answer   QueryPath.onAnswer: the INSUPC answer was decoded and matched
 *   finish   ExecuteService.finish: the INSUPC receive queue delivered it, reply built
 *   written  ReplyWriter.write: the reply was serialised onto the socket
 *
 * Tied to those method names: when the hot path is restructured and a name is gone, the probe
 * says which and reports no phases rather than failing the gateway.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export type PhaseRecorder = (phase: string, ms: number) => void;

type Method = (this: unknown, ...args: unknown[]) => unknown;
type Proto = Record<string, Method | undefined>;

const SAMPLE_MASK = 7;

function load(dist: string, file: string, cls: string): Proto | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dist, file)) as Record<string, { prototype: Proto } | undefined>;
    return mod[cls]?.prototype;
  } catch {
    return undefined;
  }
}

/** `qualified` is Class.method; only the method part names the prototype property. */
function wrap(proto: Proto, qualified: string, before: (args: unknown[]) => void): boolean {
  const name = qualified.slice(qualified.indexOf('.') + 1);
  const orig = proto[name];
  if (typeof orig !== 'function') return false;
  proto[name] = function (this: unknown, ...args: unknown[]) {
    before(args);
    return orig.apply(this, args);
  };
  return true;
}

/** installs the hooks; returns the names it could not find (empty when all are in place). */
export function installPhaseProbe(dist: string, record: PhaseRecorder): string[] {
  const settlement = load(dist, 'src/sipsvc/handler-settlement.js', 'HandlerSettlement');
  const execute = load(dist, 'src/execute/execute.service.js', 'ExecuteService');
  const queryPath = load(dist, 'src/execute/query-path.js', 'QueryPath');
  const replies = load(dist, 'src/sipsvc/reply-writer.js', 'ReplyWriter');
  const invokedAt = new WeakMap<object, number>();
  const answeredAt = new WeakMap<object, number>();
  let requests = 0;
  let sessions = 0;
  const missing: string[] = [];
  const hook = (p: Proto | undefined, name: string, before: (args: unknown[]) => void): void => {
    if (!p || !wrap(p, name, before)) missing.push(name);
  };
  hook(settlement, 'HandlerSettlement.invoke', (a) => {
    if ((++requests & SAMPLE_MASK) === 0 && a[1]) invokedAt.set(a[1] as object, performance.now());
  });
  hook(execute, 'ExecuteService.handle', (a) => {
    const t = invokedAt.get(a[0] as object);
    if (t !== undefined) record('invoke → handle (Nest RPC pipeline)', performance.now() - t);
  });
  hook(queryPath, 'QueryPath.onAnswer', (a) => {
    if ((++sessions & SAMPLE_MASK) !== 0) return;
    const s = a[0] as { startedAt?: number };
    const now = performance.now();
    answeredAt.set(s, now);
    if (typeof s.startedAt === 'number') {
      record('handle → answer (queue, INSUPC round trip)', now - s.startedAt);
    }
  });
  hook(execute, 'ExecuteService.finish', (a) => {
    const t = answeredAt.get(a[0] as object);
    if (t !== undefined) record('answer → finish (INSUPC recv queue)', performance.now() - t);
  });
  hook(replies, 'ReplyWriter.write', (a) => {
    const t = invokedAt.get(a[1] as object);
    if (t !== undefined) record('invoke → reply written (in gateway)', performance.now() - t);
  });
  return missing;
}
