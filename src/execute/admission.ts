import { SipsvcReply, SipsvcRequest } from '../contracts/sipsvc-message';
import { ResultText, SipsvcResult, SipsvcResultCode } from '../contracts/sipsvc-result';
import type { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import { ExecuteCall, parseExecute } from './execute-request';
import { ExecuteOutcomes } from './execute-outcomes';
import { reply as failure } from './result-mapping';
import { TpsLimiter } from './tps-limiter';

/**
 * Whether an execute may start a session. Order of refusals (each answered at once, no
 * session created): shutting down (18), service BLOCKED (3), TPS (4), malformed body (1),
 * max-sessions (18). The token was checked by the transport before the handler ran.
 */
export class Admission {
  /** graceful shutdown: refuse every new execute from now on. */
  refusing = false;
  private readonly tps = new TpsLimiter();

  constructor(
    private readonly config: Pick<AppConfig, 'tps' | 'message'>,
    private readonly serviceState: ServiceStateService,
    private readonly outcomes: ExecuteOutcomes,
  ) {}

  get tpsRejections(): number {
    return this.tps.rejected;
  }

  /** the call to run, or the refusal to answer now. */
  admit(req: SipsvcRequest, now: number, openSessions: number): ExecuteCall | SipsvcReply {
    if (this.refusing) {
      return this.refuse(req, SipsvcResult.INTERNAL_ERROR, ResultText.SHUTTING_DOWN);
    }
    if (this.serviceState.blocked) {
      return this.refuse(req, SipsvcResult.SERVICE_BLOCKED, ResultText.SERVICE_BLOCKED);
    }
    const cfg = this.config;
    if (!this.tps.tryAcquire(now, cfg.tps.maxTps, cfg.tps.windowSize)) {
      this.outcomes.tpsRefused();
      return this.refuse(req, SipsvcResult.TPS_LIMIT_EXCEEDED, ResultText.TPS_LIMIT_EXCEEDED);
    }
    const call = parseExecute(req);
    if (typeof call === 'string') return this.refuse(req, SipsvcResult.INVALID_REQUEST, call);
    if (openSessions >= cfg.message.maxSessions) {
      this.outcomes.maxSessionsRefused();
      return this.refuse(req, SipsvcResult.INTERNAL_ERROR, ResultText.MAX_SESSIONS);
    }
    return call;
  }

  private refuse(req: SipsvcRequest, result: SipsvcResultCode, text: string): SipsvcReply {
    this.outcomes.refused(req, result);
    return failure(result, text);
  }
}

export const isRefusal = (v: ExecuteCall | SipsvcReply): v is SipsvcReply => 'result' in v;
