import { pino, type Logger, type DestinationStream } from "pino";

/**
 * Structured logs. By rule nothing personal is ever passed to the logger (no names, addresses,
 * subjects or bodies); the redaction below is a second line of defence for common field names.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: "zorgvuldig" },
      redact: {
        paths: [
          "req.headers.authorization",
          "*.email",
          "*.name",
          "*.subject",
          "*.body",
          "*.address",
          "*.to",
          "*.cc",
          "*.bcc",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
export type { Logger };
