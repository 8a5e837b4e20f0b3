import { Controller, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OamService, UnknownInsupcServerError } from '../oam/oam.service';
import { DrainResult } from './admin.dto';
import { fileProblemToHttp } from './admin-errors';

/**
 * Drain (maintenance) of one INSUPC server (operations spec section 7): no new queries to it,
 * its connections, logon and heartbeats kept, queries in flight answered. Persisted in the
 * OAM file's `drainedServers` (docs/drain.md).
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('insupc/servers')
export class InsupcServersController {
  constructor(private readonly oam: OamService) {}

  /** Takes the server out of rotation; idempotent. */
  @Post(':name/actions/drain')
  @HttpCode(200)
  @ApiOkResponse({ type: DrainResult })
  @ApiNotFoundResponse({ description: 'no INSUPC server of that name (insupc.clients)' })
  drain(@Param('name') name: string): Promise<DrainResult> {
    return this.set(name, true);
  }

  /** Puts a drained server back in rotation; idempotent. */
  @Post(':name/actions/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: DrainResult })
  @ApiNotFoundResponse({ description: 'no INSUPC server of that name (insupc.clients)' })
  enable(@Param('name') name: string): Promise<DrainResult> {
    return this.set(name, false);
  }

  private async set(name: string, drained: boolean): Promise<DrainResult> {
    try {
      await this.oam.setDrained(name, drained);
    } catch (e) {
      if (e instanceof UnknownInsupcServerError) throw new NotFoundException(e.message);
      throw fileProblemToHttp(e);
    }
    return { result: 'success', server: name, drained, timestamp: new Date().toISOString() };
  }
}
