import { Body, Controller, Get, HttpCode, Post, UsePipes, ValidationPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OamService } from '../oam/oam.service';
import { ChangeStateBody, ReloadResultDto, StatusDto } from './admin.dto';
import { fileProblemToHttp } from './admin-errors';
import { GatewayStateService } from './gateway-state.service';
import { VALIDATION } from './validation';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('insupclient/v1')
@UsePipes(new ValidationPipe(VALIDATION))
export class StatusController {
  constructor(
    private readonly oam: OamService,
    private readonly gateway: GatewayStateService,
  ) {}

  @Get('status')
  @ApiOkResponse({ type: StatusDto })
  status(): StatusDto {
    return this.gateway.status();
  }

  /** Changes the service state and writes it to the OAM file. */
  @Post('status')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  async changeStatus(@Body() body: ChangeStateBody): Promise<StatusDto> {
    try {
      await this.oam.changeState(body.state);
    } catch (e) {
      throw fileProblemToHttp(e);
    }
    return this.gateway.status();
  }

  /** Re-reads the OAM file and the hot-reloadable config keys; a bad file changes nothing. */
  @Post('config/actions/reload')
  @HttpCode(200)
  @ApiOkResponse({ type: ReloadResultDto })
  async reload(): Promise<ReloadResultDto> {
    try {
      const r = await this.oam.reload();
      return { result: 'success', timestamp: new Date().toISOString(), ...r };
    } catch (e) {
      throw fileProblemToHttp(e);
    }
  }
}
