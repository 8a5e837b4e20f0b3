import {
  BadRequestException,
  Controller,
  DefaultValuePipe,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SegwFailoverManager, UnknownSegwConnectionError } from './segw-failover.manager';
import { HISTORY_CAPACITY } from './segw-history';

/** Admin API for SEGW failover (operations spec section 5). */
@ApiTags('segw')
@Controller('segw')
export class SegwController {
  constructor(private readonly manager: SegwFailoverManager) {}

  @Get()
  status() {
    return {
      enabled: this.manager.enabled,
      vici: this.manager.isConnected() ? 'connected' : 'disconnected',
      connections: this.manager.describe(),
    };
  }

  /** newest first; `limit` 1..1000 (default 100), anything else is a 400. */
  @Get('history')
  history(@Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number) {
    if (limit < 1 || limit > HISTORY_CAPACITY) {
      throw new BadRequestException(`limit must be an integer from 1 to ${HISTORY_CAPACITY}`);
    }
    return { history: this.manager.recentHistory(limit) };
  }

  @Post(':name/actions/failover')
  @HttpCode(202)
  failover(@Param('name') name: string) {
    return this.act(() => this.manager.failoverNow(name));
  }

  @Post(':name/actions/primary')
  @HttpCode(202)
  primary(@Param('name') name: string) {
    return this.act(() => this.manager.primaryNow(name));
  }

  private act<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof UnknownSegwConnectionError) throw new NotFoundException(e.message);
      throw e;
    }
  }
}
