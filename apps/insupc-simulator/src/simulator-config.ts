import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import {
  DEFAULT_MAX_FRAME_BYTES,
  isDbStatus,
  type DbStatus,
} from '../../../libs/insupc-protocol/src';
import {
  BUILTIN_SCENARIOS,
  delayMillis,
  nonNegative,
  normalizeScenario,
  type Scenario,
} from './scenario';

export interface InstanceConfig {
  name: string;
  host: string;
  /** 0 = ephemeral (the chosen port is kept across stopInstance/startInstance). */
  port: number;
  dbStatus: DbStatus;
  /** overrides the active scenario for this instance only. */
  scenario?: string;
}

export interface SimulatorConfig {
  /** HTTP control API; `port: 0` = ephemeral; `enabled: false` = none (tests in-process). */
  http: { enabled: boolean; host: string; port: number };
  instances: InstanceConfig[];
  activeScenario: string;
  /** added to every answer (on top of the scenario's own delayMs). */
  responseDelayMs: number;
  apis: { known: string[]; noDataPrefix: string };
  maxFrameBytes: number;
  scenarios: Record<string, Scenario>;
}

/** Input shape: everything optional, instances partially. */
export type SimulatorConfigInput = Partial<
  Omit<SimulatorConfig, 'http' | 'instances' | 'apis' | 'scenarios'>
> & {
  http?: Partial<SimulatorConfig['http']>;
  instances?: (Partial<InstanceConfig> & { name: string })[];
  apis?: Partial<SimulatorConfig['apis']>;
  scenarios?: Record<string, Partial<Scenario>>;
};

export class SimulatorConfigError extends Error {
  override name = 'SimulatorConfigError';
}

/**
 * Fills defaults and validates. Library defaults suit tests (loopback, ephemeral ports,
 * no HTTP unless asked); the CLI's YAML sets the well-known ports.
 */
export function buildSimulatorConfig(input: SimulatorConfigInput = {}): SimulatorConfig {
  try {
    const scenarios: Record<string, Scenario> = {};
    for (const [name, s] of Object.entries({ ...BUILTIN_SCENARIOS, ...(input.scenarios ?? {}) })) {
      const base = BUILTIN_SCENARIOS[name] ?? {};
      scenarios[name] = normalizeScenario(name, { ...base, ...(s ?? {}) });
      const st = scenarios[name].dbStatus;
      if (st !== undefined && !isDbStatus(st)) {
        throw new SimulatorConfigError(
          `scenario ${name}: dbStatus ${String(st)} is not a DB_STATUS`,
        );
      }
    }
    const activeScenario = input.activeScenario ?? 'default';
    if (!scenarios[activeScenario]) {
      throw new SimulatorConfigError(`activeScenario: unknown scenario ${activeScenario}`);
    }
    const instancesInput = input.instances ?? [{ name: 'INSUPC-1' }, { name: 'INSUPC-2' }];
    if (instancesInput.length === 0) throw new SimulatorConfigError('instances: at least one');
    const seen = new Set<string>();
    const instances = instancesInput.map((i, idx): InstanceConfig => {
      if (!i.name || typeof i.name !== 'string') {
        throw new SimulatorConfigError(`instances[${idx}].name is required`);
      }
      if (seen.has(i.name)) throw new SimulatorConfigError(`instances: duplicate name ${i.name}`);
      seen.add(i.name);
      const dbStatus = i.dbStatus ?? 'MA';
      if (!isDbStatus(dbStatus)) {
        throw new SimulatorConfigError(
          `instances[${idx}].dbStatus ${String(dbStatus)} is not MA|MS|MB|DA|DS|DB`,
        );
      }
      if (i.scenario !== undefined && !scenarios[i.scenario]) {
        throw new SimulatorConfigError(
          `instances[${idx}].scenario: unknown scenario ${i.scenario}`,
        );
      }
      return {
        name: i.name,
        host: i.host ?? '127.0.0.1',
        port: port(`instances[${idx}].port`, i.port ?? 0),
        dbStatus,
        ...(i.scenario !== undefined ? { scenario: i.scenario } : {}),
      };
    });
    return {
      http: {
        enabled: input.http?.enabled ?? input.http?.port !== undefined,
        host: input.http?.host ?? '127.0.0.1',
        port: port('http.port', input.http?.port ?? 0),
      },
      instances,
      activeScenario,
      responseDelayMs: delayMillis('config', 'responseDelayMs', input.responseDelayMs ?? 0),
      apis: {
        known: input.apis?.known ?? [],
        noDataPrefix: input.apis?.noDataPrefix ?? 'noData',
      },
      maxFrameBytes: nonNegative(
        'config',
        'maxFrameBytes',
        input.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      ),
      scenarios,
    };
  } catch (e) {
    if (e instanceof SimulatorConfigError) throw e;
    throw new SimulatorConfigError((e as Error).message);
  }
}

function port(key: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 65535) {
    throw new SimulatorConfigError(`${key} must be a port 0..65535 (got ${String(v)})`);
  }
  return v as number;
}

/** Reads a simulator YAML file (see apps/insupc-simulator/config/simulator.yaml). */
export function loadSimulatorConfigFile(path: string): SimulatorConfig {
  let raw: unknown;
  try {
    raw = load(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SimulatorConfigError(`${path}: ${(e as Error).message}`);
  }
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    throw new SimulatorConfigError(`${path}: top level must be a mapping`);
  }
  return buildSimulatorConfig((raw ?? {}) as SimulatorConfigInput);
}
