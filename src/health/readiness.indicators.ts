import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import {
  INSUPC_STATE,
  InsupcStateSource,
  SEGW_STATE,
  SegwStateSource,
  SIPSVC_STATE,
  SipsvcStateSource,
} from '../contracts/state-sources';
import { AppConfig } from '../config/config.schema';

/** Readiness: the SIPSVC listener is bound and accepting. Absent transport = not ready. */
@Injectable()
export class SipsvcListenerIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Optional() @Inject(SIPSVC_STATE) private readonly sipsvc?: SipsvcStateSource,
  ) {}

  check(): HealthIndicatorResult {
    const session = this.health.check('sipsvc');
    if (!this.sipsvc) return session.down({ message: 'no SIPSVC transport in this gateway' });
    return this.sipsvc.isListening()
      ? session.up({ port: this.sipsvc.port() })
      : session.down({ message: 'SIPSVC listener not accepting' });
  }
}

/** Readiness: at least one INSUPC server is routable (READY connection, DB status not blocked, not drained). */
@Injectable()
export class InsupcRoutableIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Optional() @Inject(INSUPC_STATE) private readonly insupc?: InsupcStateSource,
  ) {}

  check(): HealthIndicatorResult {
    const session = this.health.check('insupc');
    if (!this.insupc) return session.down({ message: 'no INSUPC transport in this gateway' });
    const routable = this.insupc.routableServerCount();
    // drained servers are not routable; named in the details only (operations spec section 3)
    const drained = this.insupc
      .describeServers()
      .filter((s) => s.drained)
      .map((s) => s.name);
    const details = drained.length ? { drainedServers: drained } : {};
    return routable > 0
      ? session.up({ routableServers: routable, ...details })
      : session.down({ routableServers: 0, ...details, message: 'no INSUPC server routable' });
  }
}

/** Readiness when `segw.enabled`: the SEGW tunnels, as their module judges them. */
@Injectable()
export class SegwIndicator {
  constructor(
    private readonly config: AppConfig,
    private readonly health: HealthIndicatorService,
    @Optional() @Inject(SEGW_STATE) private readonly segw?: SegwStateSource,
  ) {}

  get enabled(): boolean {
    return this.config.segw.enabled;
  }

  check(): HealthIndicatorResult {
    const session = this.health.check('segw');
    if (!this.segw)
      return session.down({ message: 'segw.enabled but no SEGW module in this gateway' });
    const { ready, detail } = this.segw.readiness();
    return ready ? session.up(detail) : session.down(detail);
  }
}
