import { HttpException, InternalServerErrorException } from '@nestjs/common';
import { ConfigError } from '../config/config.loader';
import { OamFileError } from '../oam/oam-file';

/**
 * A bad OAM or config file is the server's problem, not the request's: 500 with the reason
 * (the running state and config are untouched). Anything else is rethrown as is.
 */
export function fileProblemToHttp(e: unknown): HttpException | unknown {
  if (e instanceof ConfigError) {
    return new InternalServerErrorException({
      statusCode: 500,
      error: 'Invalid configuration file',
      message: e.problems,
    });
  }
  if (e instanceof OamFileError) {
    return new InternalServerErrorException({
      statusCode: 500,
      error: 'OAM file problem',
      message: e.message,
    });
  }
  return e;
}
