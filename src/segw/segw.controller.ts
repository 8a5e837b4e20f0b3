import {
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
import {
  HISTORY_CAPACITY,
  SegwFailoverManager,
  UnknownSegwConnectionError,
} from './segw-failover.manager';

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

  @Get('history')
  history(@Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number) {
    return { history: this.manager.recentHistory(Math.max(0, Math.min(limit, HISTORY_CAPACITY))) };
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
