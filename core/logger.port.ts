/** The logging surface the core uses; pino's Logger satisfies it. Never pass names, numbers or message text. */
export type Logger = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};
