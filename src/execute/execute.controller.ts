import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { DeferredReply } from '../contracts/deferred-reply';
import {
  SipsvcConnectionContext,
  SipsvcPattern,
  SipsvcReply,
  SipsvcRequest,
} from '../contracts/sipsvc-message';
import { ExecuteService } from './execute.service';

/**
 * The `execute` handler. The SIPSVC transport calls it with (request, connection) after
 * checking the token, and echoes cmd/reqNo/seq into the reply itself. `@Payload()`/`@Ctx()`
 * are needed: without param decorators Nest's RPC proxy passes only the payload.
 */
@Controller()
export class ExecuteController {
  constructor(private readonly pipeline: ExecuteService) {}

  @MessagePattern(SipsvcPattern.EXECUTE)
  execute(
    @Payload() request: SipsvcRequest,
    @Ctx() connection: SipsvcConnectionContext,
  ): SipsvcReply | DeferredReply {
    return this.pipeline.handle(request, connection);
  }
}
