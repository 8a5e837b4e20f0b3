import { ArgumentsHost, Catch, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { Request, Response } from 'express';
import { CONSOLE_PATH, ConsolePage } from './console-page';

/** `originalUrl`: a middleware mounted on a path sees `req.path` relative to it. */
const pathOf = (req: Request) => req.originalUrl.split('?', 1)[0];

/**
 * A browser cannot send `Authorization: Bearer` when it opens a URL, so the admin guard's
 * refusal of GET /console (401, or 403 where the address is refused) carries the page as its
 * body, with the guard's status unchanged: the page holds no data, asks for the token and
 * sends it with every API call it makes. GET / still leads there (the address of the
 * console is no secret). Every other refusal is answered as before.
 */
@Catch(UnauthorizedException, ForbiddenException)
export class ConsoleRefusalFilter extends BaseExceptionFilter {
  private readonly rpc = new BaseRpcExceptionFilter();

  constructor(private readonly page: ConsolePage) {
    super();
  }

  override catch(error: UnauthorizedException | ForbiddenException, host: ArgumentsHost) {
    // the SIPSVC microservice shares the app's global filters (inheritAppConfig)
    if (host.getType() !== 'http') return this.rpc.catch(error, host);
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const path = req.method === 'GET' ? pathOf(req) : '';
    if (path === `/${CONSOLE_PATH}`) {
      res.status(error.getStatus()).set(this.page.headers()).send(this.page.html);
    } else if (path === '/') {
      res.redirect(302, CONSOLE_PATH);
    } else {
      super.catch(error, host);
    }
  }
}
