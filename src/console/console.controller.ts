import { Controller, Get, Inject, Redirect, Req, Res } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ApiExcludeEndpoint, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { securityConfig } from '../config/config-namespaces';
import { AppConfig } from '../config/config.schema';
import { consoleRefusal } from './console-access';
import { CONSOLE_PATH, ConsolePage } from './console-page';

/** GET /console: the operator console; GET / leads there. */
@ApiTags('console')
@Controller()
export class ConsoleController {
  /** ConfigModule's live section: a reload assigns the token inside it. */
  private readonly config: Pick<AppConfig, 'security'>;

  constructor(
    @Inject(securityConfig.KEY) security: ConfigType<typeof securityConfig>,
    private readonly page: ConsolePage,
  ) {
    this.config = { security };
  }

  @Get()
  @ApiExcludeEndpoint()
  @Redirect(CONSOLE_PATH, 302)
  root(): void {}

  /**
   * A browser cannot send `Authorization: Bearer` when it opens a URL, so where the admin
   * guard refuses (401 without the token, 403 for a refused peer) the page is still the
   * body, with the guard's status and headers: the page holds no data, asks for the token
   * and sends it with each API call, which the guard then checks as for any client.
   * (The admin middleware leaves this one route to this handler.)
   */
  @Get(CONSOLE_PATH)
  @ApiProduces('text/html')
  console(@Req() req: Request, @Res() res: Response): void {
    const refusal = consoleRefusal(this.config, req);
    if (refusal) res.status(refusal.status).set(refusal.headers);
    res.set(this.page.headers()).send(this.page.html);
  }
}
