import { Controller, Get, Redirect, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CONSOLE_PATH, ConsolePage } from './console-page';

/** GET /console: the operator console; GET / leads there. */
@ApiTags('console')
@Controller()
export class ConsoleController {
  constructor(private readonly page: ConsolePage) {}

  @Get()
  @ApiExcludeEndpoint()
  @Redirect(CONSOLE_PATH, 302)
  root(): void {}

  @Get(CONSOLE_PATH)
  @ApiProduces('text/html')
  console(@Res() res: Response): void {
    res.set(this.page.headers()).send(this.page.html);
  }
}
