import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConfigType } from '@nestjs/config';
import { applicationConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { StatisticsReporter } from '../statistics/statistics-reporter.service';
import { StatisticsService, StatisticsSnapshot } from '../statistics/statistics.service';
import { ActionResult } from './admin.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('stat')
export class StatController {
  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'application'>;

  constructor(
    @Inject(applicationConfig.KEY) application: ConfigType<typeof applicationConfig>,
    private readonly stats: StatisticsService,
    private readonly reporter: StatisticsReporter,
  ) {
    this.config = { application };
  }

  /** The same snapshot that is written to `stat-file` and POSTed to the statistics server. */
  @Get()
  @ApiOkResponse({ description: 'statistics snapshot (operations spec section 4)' })
  stat(): StatisticsSnapshot {
    return this.stats.snapshot(this.config.application.systemName);
  }

  /** Zeroes every counter and the stat file. */
  @Post('init')
  @HttpCode(200)
  @ApiOkResponse({ type: ActionResult })
  async init(): Promise<ActionResult> {
    await this.reporter.reset();
    return { result: 'success', timestamp: new Date().toISOString() };
  }
}
