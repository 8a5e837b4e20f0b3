import { ArgumentsHost, Catch, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { Request, Response } from 'express';
import { ConsolePage } from './console-page';

/** `originalUrl`: a middleware mounted on a path sees `req.path` relative to it. */
const isConsolePage = (req: Request) =>
  req.method === 'GET' && req.originalUrl.split('?', 1)[0] === '/console';

/**
 * A browser cannot send `Authorization: Bearer` when it opens a URL, so the admin guard's
 * refusal of GET /console (401, or 403 where the address is refused) carries the page as its
 * body, with the guard's status unchanged: the page holds no data, asks for the token and
 * sends it with every API call it makes. Every other refusal is answered as before.
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
    if (!isConsolePage(req)) return super.catch(error, host);
    const res = host.switchToHttp().getResponse<Response>();
    res.status(error.getStatus()).set(this.page.headers()).send(this.page.html);
  }
}
