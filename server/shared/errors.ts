import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";

import type { ErrorBody, ErrorCode } from "../../contract/errors.js";
import type { Lang } from "../../contract/enums.js";
import { detailIn, errorText } from "./texts.js";

/** The stable error codes are part of the contract (contract/errors.ts). */
export type { ErrorBody, ErrorCode };

/** A configuration the server cannot start with. */
export class ConfigError extends Error {}

/** A message for the user in both languages of the product. */
export interface Texts {
  en: string;
  nl: string;
}

export class AppError extends Error {
  /** The Dutch text, when the error has one (the user's language decides which is sent). */
  readonly messageNl: string | undefined;
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode,
    message: string | Texts,
    public readonly details?: unknown,
    public readonly headers?: Record<string, string>,
  ) {
    super(typeof message === "string" ? message : message.en);
    this.messageNl = typeof message === "string" ? undefined : message.nl;
    this.name = "AppError";
  }

  /** The message in the user's language (English when no Dutch text was written). */
  messageIn(lang: Lang): string {
    return lang === "nl" && this.messageNl ? this.messageNl : this.message;
  }
}

/** Field problems in the user's language: a message given in both languages, or an English one from the catalogue. */
function localizedDetails(details: unknown, lang: Lang): unknown {
  if (!Array.isArray(details)) return details;
  return details.map((d: unknown) => {
    if (typeof d !== "object" || d === null) return d;
    const m = (d as { message?: unknown }).message;
    if (typeof m === "object" && m !== null && typeof (m as Texts).en === "string" && typeof (m as Texts).nl === "string") return { ...d, message: (m as Texts)[lang] };
    if (lang !== "nl") return d;
    return typeof m === "string" ? { ...d, message: detailIn(m, lang) } : d;
  });
}

/** The request's language: English when the client prefers it (Accept-Language), Dutch otherwise. */
export function requestLang(req: { acceptsLanguages?: (...langs: string[]) => string | false }): Lang {
  return typeof req.acceptsLanguages === "function" && req.acceptsLanguages("nl", "en") === "en" ? "en" : "nl";
}

/**
 * The message of an error in `lang`: its own text in that language; an error written in English only
 * gets its code's text in Dutch, with the English as a technical detail.
 */
export function errorMessage(e: AppError, lang: Lang): string {
  if (lang === "en" || e.messageNl) return e.messageIn(lang);
  return `${errorText(e.code, "nl")} (Technisch: ${e.message})`;
}

/** A problem with one field, in both languages (the error middleware answers the user's). */
export interface FieldProblem {
  path: string;
  message: Texts;
}

/** One 422 naming every field problem at once (the form shows each next to its field, in one round). */
export function fieldProblems(code: ErrorCode, problems: FieldProblem[]): AppError {
  const first = problems[0]?.message ?? { en: "The request has problems", nl: "Het verzoek bevat fouten" };
  return new AppError(422, code, first, problems);
}

const NOT_FOUND_NL: Record<string, string> = {
  Student: "Leerling niet gevonden",
  Consent: "Toestemming niet gevonden",
  Check: "Controle niet gevonden",
  School: "School niet gevonden",
  Guardian: "Ouder of voogd niet gevonden",
  "Consent request": "Toestemmingsverzoek niet gevonden",
};
export const notFound = (what: string): AppError =>
  new AppError(404, "NOT_FOUND", { en: `${what} not found`, nl: NOT_FOUND_NL[what] ?? `${what}: niet gevonden` });

function fromUnknown(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (typeof err === "object" && err !== null) {
    const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; message?: unknown };
    // body-parser errors
    if (e.type === "entity.parse.failed") return new AppError(400, "BAD_JSON", "The request body is not valid JSON");
    if (e.type === "entity.too.large") return new AppError(413, "BODY_TOO_LARGE", "The request body is too large");
    if (e.type === "encoding.unsupported" || e.type === "charset.unsupported")
      return new AppError(415 as number, "UNPROCESSABLE", "Unsupported body encoding");
    // A body whose Content-Encoding (br, gzip, deflate) does not match its bytes: body-parser's exposed 400 (zlib code).
    if (e.status === 400 && (e as { expose?: unknown }).expose === true && typeof (err as { code?: unknown }).code === "string")
      return new AppError(400, "BAD_ENCODING", "The request body cannot be decoded with its Content-Encoding");
    // The router could not percent-decode a path parameter ("%E0%A4%A"): the client's mistake.
    if (err instanceof URIError && e.status === 400) return new AppError(400, "VALIDATION_FAILED", "A path parameter is not validly encoded");
  }
  return new AppError(500, "INTERNAL", "Something went wrong on our side");
}

/** The one error middleware: every error leaves in the same shape, and the log holds no personal data. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = fromUnknown(err);
    if (appErr.status >= 500) {
      const e = err instanceof Error ? err : undefined;
      // Only the error class and code are logged: messages from storage may echo keys (student ids are pseudonymous, names are not logged).
      log.error({ code: appErr.code, errName: e?.name, errCode: (err as { code?: unknown })?.code, route: routeOf(req) }, "request failed");
    }
    if (appErr.headers) for (const [k, v] of Object.entries(appErr.headers)) res.setHeader(k, v);
    // The user's language (Dutch unless the client asks for English), as the rest of the API answers.
    const lang = requestLang(req);
    const body: ErrorBody = { error: { code: appErr.code, message: errorMessage(appErr, lang) } };
    if (appErr.details !== undefined) body.error.details = localizedDetails(appErr.details, lang);
    res.status(appErr.status).json(body);
  };
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new AppError(404, "NOT_FOUND", `No route ${req.method} ${req.path}`));
};

export function routeOf(req: { baseUrl?: string; route?: { path?: unknown } }): string {
  const p = req.route?.path;
  return `${req.baseUrl ?? ""}${typeof p === "string" ? p : ""}` || "(unmatched)";
}
