/**
 * The OAM state file (operations spec section 2), e.g.
 * `{"systemName":"AMAS11","appStates":{"sipsvc":"RUNNING","insupclient":"RUNNING"}}`.
 * Only `appStates.insupclient` is ours; every other key belongs to the platform and is
 * written back untouched.
 */
import { SERVICE_STATES, ServiceState } from './service-state.service';

export const OAM_APP_KEY = 'insupclient';

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

/** Parses the file's text; a missing `appStates.insupclient` means RUNNING. */
export function parseOamFile(
  path: string,
  text: string,
): { doc: OamDocument; state: ServiceState } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new OamFileError(path, `not valid JSON (${(e as Error).message})`);
  }
  if (!isPlain(doc)) throw new OamFileError(path, 'the top level must be a JSON object');
  const appStates = doc.appStates;
  if (appStates === undefined) return { doc, state: 'RUNNING' };
  if (!isPlain(appStates)) throw new OamFileError(path, 'appStates must be a JSON object');
  const state = appStates[OAM_APP_KEY];
  if (state === undefined) return { doc, state: 'RUNNING' };
  if (!isServiceState(state)) {
    throw new OamFileError(
      path,
      `appStates.${OAM_APP_KEY} must be one of ${SERVICE_STATES.join(', ')} (got ${JSON.stringify(state)})`,
    );
  }
  return { doc, state };
}

/** A copy of `doc` with our state set; every other key kept as it was. */
export function withAppState(doc: OamDocument, state: ServiceState): OamDocument {
  const appStates = isPlain(doc.appStates) ? doc.appStates : {};
  return { ...doc, appStates: { ...appStates, [OAM_APP_KEY]: state } };
}
