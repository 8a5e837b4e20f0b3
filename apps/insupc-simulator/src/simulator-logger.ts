import { Logger } from '@nestjs/common';

/** The subset of Nest's LoggerService the simulator uses. */
export interface SimulatorLogger {
  log(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  error(message: string): void;
}

const silent: SimulatorLogger = { log() {}, warn() {}, debug() {}, error() {} };

/** `false` silences the simulator (tests); default is Nest's Logger, context `InsupcSimulator`. */
export function simulatorLogger(logger: SimulatorLogger | false | undefined): SimulatorLogger {
  if (logger === false) return silent;
  return logger ?? new Logger('InsupcSimulator');
}
