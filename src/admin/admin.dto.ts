import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { SERVICE_STATES, ServiceState } from '../oam/service-state.service';

const STATE_MESSAGE = `state must be one of ${SERVICE_STATES.join(', ')}`;

/** Body of POST /insupclient/v1/status. */
export class ChangeStateBody {
  @ApiProperty({ enum: SERVICE_STATES, example: 'BLOCKED' })
  @IsIn(SERVICE_STATES, { message: STATE_MESSAGE })
  state!: ServiceState;
}

/** Query of GET /state?limit=. */
export class StateQuery {
  @ApiProperty({
    required: false,
    default: 1000,
    description: 'SIPSVC connections listed at most (total and authenticated stay exact)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  limit?: number;
}

/** Query of POST /state?state=. */
export class ChangeStateQuery {
  @ApiProperty({ enum: SERVICE_STATES, example: 'BLOCKED' })
  @IsIn(SERVICE_STATES, { message: STATE_MESSAGE })
  state!: ServiceState;
}

export class ActionResult {
  @ApiProperty({ example: 'success' }) result!: 'success';
  @ApiProperty({ description: 'ISO-8601' }) timestamp!: string;
}

export class StateChangeResult extends ActionResult {
  @ApiProperty({ enum: SERVICE_STATES }) state!: ServiceState;
}

/** Answer of POST /insupc/servers/{name}/actions/drain and .../enable. */
export class DrainResult extends ActionResult {
  @ApiProperty({ example: 'INSUPC-2', description: 'the INSUPC server (insupc.clients[].name)' })
  server!: string;
  @ApiProperty({ description: 'true after drain, false after enable' })
  drained!: boolean;
}

export class ReloadResultDto extends StateChangeResult {
  @ApiProperty({ type: [String], description: 'INSUPC servers drained now (OAM drainedServers)' })
  drainedServers!: string[];
  @ApiProperty({ description: 'false when the gateway was not started from a config file' })
  configReloaded!: boolean;
  @ApiProperty({ type: [String], description: 'hot-reloadable keys that changed and now apply' })
  applied!: string[];
  @ApiProperty({ type: [String], description: 'keys that changed but apply only after a restart' })
  restartRequired!: string[];
}

export class StatusDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ enum: SERVICE_STATES }) state!: ServiceState;
  @ApiProperty({ example: '2025-11-03 07:48:45' }) startTime!: string;
  @ApiProperty({
    description: 'workers busy: queries handed to INSUPC (the original: active worker threads)',
  })
  serverSessionCount!: number;
  @ApiProperty({ description: 'executes waiting in the worker queue' })
  serverQueueSize!: number;
  @ApiProperty({ description: 'the same as serverSessionCount (the original)' })
  clientSessionCount!: number;
  @ApiProperty({ description: 'the same as serverQueueSize (the original)' })
  clientQueueSize!: number;
  @ApiProperty({ description: 'execute sessions awaiting INSUPC (request → answer mappings)' })
  messageMappingSize!: number;
  @ApiProperty({ description: 'added: SIPSVC messages waiting in the SIPSVC receive queue' })
  sipsvcRecvQueueSize!: number;
  @ApiProperty({ description: 'added: INSUPC answers waiting in the INSUPC receive queue' })
  insupcRecvQueueSize!: number;
  @ApiProperty({ description: 'added: queries written to INSUPC and awaiting an answer' })
  insupcPendingRequests!: number;
}
