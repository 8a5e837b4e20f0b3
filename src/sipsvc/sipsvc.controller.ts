import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { SipsvcAuthService } from './sipsvc-auth.service';
import { SipsvcConnection } from './sipsvc-connection';
import { SipsvcPattern, SipsvcReply, SipsvcRequest } from '../contracts/sipsvc-message';
import { ResultText, SipsvcResult } from '../contracts/sipsvc-result';

/**
 * `auth` and `heartbeat` handlers. The transport calls them with (request, connection) and
 * has already checked the token of a heartbeat (`@Payload()` is the parsed request, `@Ctx()`
 * the connection).
 */
@Controller()
export class SipsvcController {
  constructor(private readonly auth: SipsvcAuthService) {}

  @MessagePattern(SipsvcPattern.AUTH)
  authenticate(@Payload() request: SipsvcRequest, @Ctx() conn: SipsvcConnection): SipsvcReply {
    return this.auth.authenticate(request, conn);
  }

  @MessagePattern(SipsvcPattern.HEARTBEAT)
  heartbeat(): SipsvcReply {
    return { result: SipsvcResult.SUCCESS, resultDesc: ResultText.SUCCESS, timestamp: Date.now() };
  }
}
