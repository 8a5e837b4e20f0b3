import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import {
  INSUPC_STATE,
  InsupcStateView,
  SEGW_STATE,
  SegwStateSource,
  SIPSVC_STATE,
  SipsvcStateView,
} from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import { segwConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';

/** Readiness: the SIPSVC listener is bound and accepting. Absent transport = not ready. */
@Injectable()
export class SipsvcListenerIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Optional() @Inject(SIPSVC_STATE) private readonly sipsvc?: SipsvcStateView,
  ) {}

  check(): HealthIndicatorResult {
    const session = this.health.check('sipsvc');
    if (!this.sipsvc) return session.down({ message: 'no SIPSVC transport in this gateway' });
    return this.sipsvc.isListening()
      ? session.up({ port: this.sipsvc.port() })
      : session.down({ message: 'SIPSVC listener not accepting' });
  }
}

/**
 * Readiness: at least one INSUPC server is routable (READY connection, DB status not blocked,
 * not ejected, not drained).
 */
@Injectable()
export class InsupcRoutableIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Optional() @Inject(INSUPC_STATE) private readonly insupc?: InsupcStateView,
  ) {}

  check(): HealthIndicatorResult {
    const session = this.health.check('insupc');
    if (!this.insupc) return session.down({ message: 'no INSUPC transport in this gateway' });
    const routable = this.insupc.routableServerCount();
    // ejected and drained servers are not routable; named in the details only (spec §3)
    const ejected = (this.insupc.ejections?.() ?? []).filter((e) => e.ejected).map((e) => e.server);
    const drained = this.insupc
      .describeServers()
      .filter((s) => s.drained)
      .map((s) => s.name);
    const detail = {
      ...(ejected.length > 0 ? { ejectedServers: ejected } : {}),
      ...(drained.length > 0 ? { drainedServers: drained } : {}),
    };
    return routable > 0
      ? session.up({ routableServers: routable, ...detail })
      : session.down({ routableServers: 0, ...detail, message: 'no INSUPC server routable' });
  }
}

/**
 * SEGW tunnels in the readiness details when `segw.enabled`, never gating it (operations spec
 * §3, §5): a switch or an unreachable charon must not take the pod out of the Service while
 * the INSUPC servers are routable, and when they are not, the INSUPC check says so. `status`
 * is therefore always `up`; `allUp` is false while any tunnel is not UP or VICI is lost.
 */
@Injectable()
export class SegwIndicator {
  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'segw'>;

  constructor(
    @Inject(segwConfig.KEY) segwSection: ConfigType<typeof segwConfig>,
    private readonly health: HealthIndicatorService,
    @Optional() @Inject(SEGW_STATE) private readonly segw?: SegwStateSource,
  ) {
    this.config = { segw: segwSection };
  }

  get enabled(): boolean {
    return this.config.segw.enabled;
  }

  check(): HealthIndicatorResult {
    const session = this.health.check('segw');
    if (!this.segw)
      return session.up({
        allUp: false,
        message: 'segw.enabled but no SEGW module in this gateway',
      });
    const { ready, detail } = this.segw.readiness();
    return session.up({ allUp: ready, ...detail });
  }
}
