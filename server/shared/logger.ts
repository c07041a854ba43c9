import { pino, destination as pinoDestination, type Logger, type DestinationStream } from "pino";

/**
 * Structured logs. By rule nothing personal is ever passed to the logger (no names, addresses,
 * subjects or bodies); the redaction below is a second line of defence for common field names.
 * Without a destination the lines go to stdout asynchronously (pino's advice for servers: the request
 * does not wait for a write; lines logged while one is under way go out together), and what is still
 * buffered is written when the process exits.
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
    destination ?? pinoDestination({ dest: 1, sync: false }),
  );
}
export type { Logger };
