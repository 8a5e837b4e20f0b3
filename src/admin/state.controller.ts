import {
  Controller,
  Get,
  Header,
  HttpCode,
  Post,
  Query,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OamService } from '../oam/oam.service';
import { ChangeStateQuery, StateChangeResult, StateQuery } from './admin.dto';
import { fileProblemToHttp } from './admin-errors';
import { GatewayStateService } from './gateway-state.service';
import { VALIDATION } from './validation';

@ApiTags('admin')
@ApiBearerAuth()
@Controller()
@UsePipes(new ValidationPipe(VALIDATION))
export class StateController {
  constructor(
    private readonly oam: OamService,
    private readonly gateway: GatewayStateService,
  ) {}

  /**
   * Service state, sessions, SIPSVC connections and INSUPC servers (the connection list built
   * at most 1/s). `/status` and `/api/state` are the original's informal routes to the same
   * answer (operations spec §3).
   */
  @Get(['state', 'status', 'api/state'])
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOkResponse({ description: 'operations spec section 3, GET /state' })
  state(@Query() query: StateQuery): string {
    return this.gateway.stateJson(query.limit);
  }

  @Post('state')
  @HttpCode(200)
  @ApiOkResponse({ type: StateChangeResult })
  async change(@Query() query: ChangeStateQuery): Promise<StateChangeResult> {
    try {
      await this.oam.changeState(query.state);
    } catch (e) {
      throw fileProblemToHttp(e);
    }
    return { result: 'success', state: query.state, timestamp: new Date().toISOString() };
  }
}
