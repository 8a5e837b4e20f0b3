import { Injectable } from '@nestjs/common';

export const SERVICE_STATES = ['RUNNING', 'BLOCKED'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

/**
 * The gateway's RUNNING / BLOCKED state (operations spec section 2). BLOCKED refuses new
 * auth and new execute; existing connections, heartbeats and in-flight requests go on.
 * Read on the hot path as a field (`state.blocked`), so keep it cheap.
 */
@Injectable()
export class ServiceStateService {
  private current: ServiceState = 'RUNNING';
  /** true while BLOCKED, as a plain field for hot paths. */
  blocked = false;
  /** bumped on every set(): lets an async reader tell that the state moved under it. */
  changes = 0;

  get state(): ServiceState {
    return this.current;
  }

  set(state: ServiceState): void {
    this.current = state;
    this.blocked = state === 'BLOCKED';
    this.changes++;
  }
}
