import { ValidationPipeOptions } from '@nestjs/common';

/** Admin inputs: typed, unknown fields refused, 400 with every reason. */
export const VALIDATION: ValidationPipeOptions = {
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
};
