/**
 * The OAM state file (operations spec sections 2 and 7), e.g.
 * `{"systemName":"AMAS11","appStates":{"sipsvc":"RUNNING","insupclient":"RUNNING"},
 *   "drainedServers":["INSUPC-2"]}`.
 * Only `appStates.insupclient` and `drainedServers` are ours; every other key belongs to the
 * platform and is written back untouched.
 */
import { SERVICE_STATES, ServiceState } from './service-state.service';

export const OAM_APP_KEY = 'insupclient';
export const OAM_DRAINED_KEY = 'drainedServers';

export class OamFileError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`OAM file ${path}: ${reason}`);
    this.name = 'OamFileError';
  }
}

export type OamDocument = Record<string, unknown>;

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const isServiceState = (v: unknown): v is ServiceState =>
  typeof v === 'string' && (SERVICE_STATES as readonly string[]).includes(v);

export interface OamFileContent {
  doc: OamDocument;
  state: ServiceState;
  /** INSUPC server names as the file lists them (unknown ones included). */
  drained: string[];
}

/** Parses the file's text; a missing `appStates.insupclient` means RUNNING, a missing `drainedServers` none. */
export function parseOamFile(path: string, text: string): OamFileContent {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new OamFileError(path, `not valid JSON (${(e as Error).message})`);
  }
  if (!isPlain(doc)) throw new OamFileError(path, 'the top level must be a JSON object');
  return { doc, state: stateOf(path, doc), drained: drainedOf(path, doc) };
}

function stateOf(path: string, doc: OamDocument): ServiceState {
  const appStates = doc.appStates;
  if (appStates === undefined) return 'RUNNING';
  if (!isPlain(appStates)) throw new OamFileError(path, 'appStates must be a JSON object');
  const state = appStates[OAM_APP_KEY];
  if (state === undefined) return 'RUNNING';
  if (!isServiceState(state)) {
    throw new OamFileError(
      path,
      `appStates.${OAM_APP_KEY} must be one of ${SERVICE_STATES.join(', ')} (got ${JSON.stringify(state)})`,
    );
  }
  return state;
}

function drainedOf(path: string, doc: OamDocument): string[] {
  const list = doc[OAM_DRAINED_KEY];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) {
    throw new OamFileError(path, `${OAM_DRAINED_KEY} must be an array of INSUPC server names`);
  }
  return list as string[];
}

/** A copy of `doc` with our state set; every other key kept as it was. */
export function withAppState(doc: OamDocument, state: ServiceState): OamDocument {
  const appStates = isPlain(doc.appStates) ? doc.appStates : {};
  return { ...doc, appStates: { ...appStates, [OAM_APP_KEY]: state } };
}

/** A copy of `doc` with `server` added to or removed from `drainedServers`; all else kept. */
export function withDrained(doc: OamDocument, server: string, drained: boolean): OamDocument {
  const list = Array.isArray(doc[OAM_DRAINED_KEY]) ? (doc[OAM_DRAINED_KEY] as unknown[]) : [];
  const others = list.filter((n) => n !== server);
  return { ...doc, [OAM_DRAINED_KEY]: drained ? [...others, server] : others };
}
