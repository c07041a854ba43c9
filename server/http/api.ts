import { createHash } from "node:crypto";
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from "express";
import { z } from "zod";
import { MEDIA_TYPES, errorBody, type AnyRoute, type HandlerInput, type HandlerOutput, type Lang, type ScopeVia } from "../../contract/index.js";
import { AppError, notFound, requestLang } from "../shared/errors.js";
import { both, issueText } from "../shared/texts.js";
import { mayAccessSchool, principalOf, requireRole, type Principal, type SchoolAccess } from "../identity/auth.js";
import { bodyChunks, checkCsvHeaders, limitBytes } from "./stream-body.js";

export function langOf(req: Request): Lang {
  return requestLang(req);
}

/** A page's language: `?lang=` (the page's own switch) before the browser's Accept-Language. */
export function pageLang(req: Request): Lang {
  const q = req.query.lang;
  return q === "en" || q === "nl" ? q : langOf(req);
}

/**
 * Validates input against a schema; failures are 400 VALIDATION_FAILED with the paths that failed, the
 * field messages in `lang` (a schema's own message, in English, is put in Dutch by the error middleware).
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "params" | "headers", lang: Lang = "en"): z.infer<S> {
  const r = schema.safeParse(value, { error: (issue) => issueText(issue, lang) });
  if (!r.success) {
    const details = r.error.issues.slice(0, 20).map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message }));
    const fields = [...new Set(details.map((d) => d.path.replace(/^(body|query|params)\.?/, "") || where))].join(", ");
    throw new AppError(
      400,
      "VALIDATION_FAILED",
      where === "body" && (value === undefined || value === null) ? both((t) => t.validation.bodyRequired) : both((t) => t.validation.invalid, { fields }),
      details,
    );
  }
  return r.data;
}

export type Ctx<Rt extends AnyRoute> = HandlerInput<Rt> & {
  req: Request;
  /** The caller (from a verified token); an anonymous route has none. */
  principal: Rt["access"] extends "anonymous" ? undefined : Principal;
  lang: Lang;
  /** Set when the request carries an Idempotency-Key (see idempotency.ts). */
  requestKey: string | undefined;
  /** The schools the caller may see ("all" on anonymous routes); an "own-schools" route filters with it. */
  schools: SchoolAccess;
};

/**
 * Finds the schools of the records a route's scope names (issue 16): undefined for a record that does
 * not exist (the handler answers its own 404). Given by the app, which knows the repositories.
 */
export type SchoolResolver = (tenantId: string, via: ScopeVia, id: string) => Promise<string[] | undefined>;

export type Handler<Rt extends AnyRoute> = (ctx: Ctx<Rt>) => Promise<HandlerOutput<Rt> | PreparedJson<HandlerOutput<Rt>>>;

/**
 * A JSON answer serialised once and kept (a large answer that stays the same between requests, such as
 * the register overview between two appends): sent as these bytes with this ETag, so that no request
 * serialises or hashes it again. `value` is what the bytes say (the response check, the hooks and the
 * view log see it as they see any answer).
 */
export class PreparedJson<T> {
  readonly bytes: Buffer;
  readonly etag: string;
  constructor(readonly value: T) {
    this.bytes = Buffer.from(JSON.stringify(value));
    this.etag = `W/"${this.bytes.length.toString(16)}-${createHash("sha1").update(this.bytes).digest("base64url")}"`;
  }
}

/**
 * A route whose body is read as a stream (the CSV import): the handler gets `body()`, the decoded bytes
 * chunk by chunk (see stream-body.ts), and may answer (a 404 for a school, say) before reading any.
 */
export type StreamHandler<Rt extends AnyRoute> = (ctx: Omit<Ctx<Rt>, "body"> & { body: () => AsyncGenerator<Buffer> }) => Promise<HandlerOutput<Rt>>;

export interface ApiOptions {
  defaultBodyLimit: string;
  /** Middleware run after the body parser on every signed-in route (idempotency, view logging). */
  extra?: RequestHandler[];
  /** Run first on every anonymous route, before any work (issue 16: their own rate limit). */
  anonymous?: RequestHandler[];
  /** Test mode: every answer is checked against its route's response schema; a mismatch is 500 RESPONSE_INVALID. */
  validateResponses?: boolean;
  /** Per-school authorisation: finds the school of a record named by a route's scope. */
  schoolsOf?: SchoolResolver;
  /**
   * Called after a signed-in route's handler succeeded and before the answer goes out (the
   * administrative log): `schoolIds` are the schools the route's scope resolved to. A failure fails the request.
   */
  afterSuccess?: (rt: AnyRoute, done: { principal: Principal; input: HandlerInput<AnyRoute>; result: unknown; schoolIds: string[] }) => Promise<void>;
}

const NOT_FOUND_AS: Record<ScopeVia, string> = {
  school: "School",
  student: "Student",
  consent: "Consent",
  check: "Check",
  "consent-request": "Consent request",
  "graph-message": "Message",
  "mail-content": "Student",
  approval: "Approval",
  "review-item": "Review item",
  breach: "Breach",
};

/** The values at a scope's field spec ("studentId", "students[].schoolId, policies[].schoolId") of a parsed body or query. */
export function scopeValues(source: unknown, spec: string): string[] {
  const out: string[] = [];
  for (const path of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    let values: unknown[] = [source];
    for (const seg of path.split(".")) {
      const array = seg.endsWith("[]");
      const name = array ? seg.slice(0, -2) : seg;
      values = values.flatMap((v) => {
        const child = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[name] : undefined;
        return array ? (Array.isArray(child) ? child : []) : [child];
      });
    }
    for (const v of values) if (typeof v === "string") out.push(v);
  }
  return out;
}

/**
 * The one place per-school authorisation is enforced (issue 16), from the scope every route declares
 * in contract/routes.ts: a caller who sees only some schools gets 404 (as if it did not exist) for a
 * record of another school, 403 on a route that touches every school ("tenant"), and the handler of an
 * "own-schools" route receives the schools to filter with. A route added later declares a scope, so it
 * is covered. Mail content (the send check) is judged against the whole board: a misdirected mail about
 * any student of the board must be caught.
 */
async function enforceScope(
  rt: AnyRoute,
  p: Principal,
  input: { params: unknown; query: unknown; body: unknown },
  resolve: SchoolResolver | undefined,
): Promise<string[]> {
  const access = p.schools;
  const scope = rt.scope;
  if (scope.from === "none" || scope.from === "own-schools") return [];
  if (scope.from === "tenant") {
    if (access !== "all") throw new AppError(403, "FORBIDDEN", "This needs access to every school of the board (the privacy officer)");
    return [];
  }
  if (scope.via === "mail-content" || scope.via === "graph-message") return [];
  const ids =
    scope.from === "param"
      ? scopeValues(input.params, scope.name)
      : scopeValues(scope.from === "body" ? input.body : input.query, scope.field);
  const found = new Set<string>();
  for (const id of new Set(ids)) {
    const schools = scope.via === "school" ? [id] : resolve ? await resolve(p.tenantId, scope.via, id) : undefined;
    if (schools && !schools.every((s) => mayAccessSchool(access, s))) throw notFound(NOT_FOUND_AS[scope.via]);
    for (const s of schools ?? []) found.add(s);
  }
  return [...found];
}

/** The query of a route that declares none: nothing allowed. One schema for all of them (zod compiles a schema on its first use). */
const NO_QUERY = z.object({}).strict();

/** Path ids: the same characters and length as the `id` pattern (contract/patterns.ts). */
const PARAM = /^[A-Za-z0-9._~:@-]{1,100}$/;

const checkParams: RequestHandler = (req, _res, next) => {
  for (const [k, v] of Object.entries(req.params)) {
    if (typeof v !== "string" || !PARAM.test(v))
      return next(new AppError(400, "VALIDATION_FAILED", both((t) => t.validation.pathParam, { name: k })));
  }
  next();
};

/** No request body of this API nests deeper than this; deeper is refused before anything (hashing, validation) recurses into it. */
export const MAX_BODY_DEPTH = 32;

/** Depth of a parsed JSON value, iteratively (a recursive walk would overflow on hostile input); stops once past `limit`. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== "object") continue;
    if (d + 1 > limit) return true;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, d + 1]);
  }
  return false;
}

const checkDepth: RequestHandler = (req, _res, next) => {
  if (jsonDepthExceeds(req.body, MAX_BODY_DEPTH)) return next(new AppError(400, "VALIDATION_FAILED", both((t) => t.validation.tooDeep, { max: MAX_BODY_DEPTH })));
  next();
};

/**
 * The server side of the contract's route table: `implement(route, handler)` validates the input,
 * checks the role, answers with the declared status and media type and (in test mode) checks the
 * answer against the declared response schema. Routes that need a signed-in user are on `router`
 * (mounted behind authentication), anonymous ones on `anonymousRouter`.
 */
/** How a route is implemented (see ApiBuilder.implement). */
export interface ImplementOptions {
  bodyLimit?: string;
  ownIdempotency?: boolean;
  before?: RequestHandler[];
  htmlErrors?: (err: AppError, lang: Lang) => string;
}

export class ApiBuilder {
  readonly router = Router();
  readonly anonymousRouter = Router();
  private readonly implemented: AnyRoute[] = [];

  constructor(private readonly opts: ApiOptions) {}

  /** The routes implemented so far, in order (the OpenAPI document and docs/API.md are made from them). */
  get routes(): readonly AnyRoute[] {
    return this.implemented;
  }

  /**
   * `ownIdempotency`: the handler makes the Idempotency-Key its own (POST /api/check: the key becomes the
   * check id and one insert is the idempotency), so the generic middleware keeps no marker row for it.
   * `before`: middleware run first, before any other work (a page's own rate limit). `htmlErrors`: a page
   * route answers its errors (bad path, bad form, refused) as a page in the caller's language, with the
   * error's status, instead of the API's JSON error.
   */
  implement<Rt extends AnyRoute>(rt: Rt, handler: Handler<Rt>, o: ImplementOptions = {}): void {
    this.mount(rt, { ...o, stream: false }, async (req, input, ctx) => handler({ ...input, ...ctx } as Ctx<Rt>));
  }

  /**
   * A route whose body is streamed to the handler, not parsed first: headers are checked (media type,
   * charset, encoding, Content-Length) before the handler runs, and no middleware reads the body (an
   * Idempotency-Key is not honoured here: such a route must be idempotent by itself, as the CSV import is).
   */
  implementStream<Rt extends AnyRoute>(rt: Rt, handler: StreamHandler<Rt>, o: { bodyLimit?: string } = {}): void {
    const limit = limitBytes(o.bodyLimit ?? this.opts.defaultBodyLimit);
    this.mount(rt, { ...o, stream: true }, async (req, input, ctx) => {
      checkCsvHeaders(req, limit);
      return handler({ params: input.params, query: input.query, ...ctx, body: () => bodyChunks(req, limit) } as Parameters<StreamHandler<Rt>>[0]);
    });
  }

  private mount<Rt extends AnyRoute>(
    rt: Rt,
    m: ImplementOptions & { stream: boolean },
    run: (req: Request, input: HandlerInput<Rt>, ctx: Omit<Ctx<Rt>, keyof HandlerInput<Rt>>) => Promise<HandlerOutput<Rt> | PreparedJson<HandlerOutput<Rt>>>,
  ): void {
    this.implemented.push(rt);
    const anonymous = rt.access === "anonymous";
    const access = rt.access;
    const handlers: RequestHandler[] = [
      ...(m.before ?? []),
      ...(access === "anonymous" ? (this.opts.anonymous ?? []) : access === "any" ? [] : [requireRole(access)]),
    ];
    // Path ids first: the view log and the idempotency middleware below must never see a bad one.
    handlers.push(checkParams);
    const limit = m.bodyLimit ?? this.opts.defaultBodyLimit;
    const stream = m.stream;
    if (stream)
      handlers.push((_req, res, next) => {
        res.locals.streamedBody = true;
        next();
      });
    // A binary body is not parsed: the handler streams `req` (and may stop reading at its own cap).
    else if (rt.method !== "get" && rt.bodyType !== "binary")
      handlers.push(
        rt.bodyType === "csv"
          ? express.text({ type: ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"], limit, defaultCharset: "utf-8" })
          : rt.bodyType === "form"
            ? express.urlencoded({ extended: false, limit, parameterLimit: 20 })
            : express.json({ limit }),
        checkDepth,
      );
    if (m.ownIdempotency === true)
      handlers.push((_req, res, next) => {
        res.locals.ownIdempotency = true;
        next();
      });
    // After the body parser: the idempotency middleware hashes the parsed body.
    if (!anonymous) handlers.push(...(this.opts.extra ?? []));
    handlers.push(async (req, res) => {
      if (rt.headers) parse(rt.headers, { ...req.headers }, "headers");
      const input = {
        params: rt.params ? parse(rt.params, { ...req.params }, "params", langOf(req)) : undefined,
        query: parse(rt.query ?? NO_QUERY, { ...req.query }, "query", langOf(req)),
        body: rt.body && !stream && rt.bodyType !== "binary" ? parse(rt.body, req.body, "body", langOf(req)) : undefined,
      } as HandlerInput<Rt>;
      const principal = anonymous ? undefined : principalOf(req);
      const schoolIds = principal ? await enforceScope(rt, principal, input, this.opts.schoolsOf) : [];
      const answer = await run(req, input, {
        req,
        principal: principal as Ctx<Rt>["principal"],
        lang: langOf(req),
        requestKey: typeof res.locals.requestKey === "string" ? res.locals.requestKey : undefined,
        schools: principal?.schools ?? "all",
      } as Omit<Ctx<Rt>, keyof HandlerInput<Rt>>);
      const prepared = answer instanceof PreparedJson ? answer : undefined;
      const result: unknown = prepared ? prepared.value : answer;
      if (this.opts.validateResponses) checkAnswer(rt, result);
      if (principal && this.opts.afterSuccess) await this.opts.afterSuccess(rt, { principal, input: input as HandlerInput<AnyRoute>, result, schoolIds });
      if (prepared && rt.produces === "json") {
        // The kept bytes and their ETag (express hashes a body only when no ETag is set); the view log reads `answer`.
        res.locals.answer = prepared.value;
        res.status(rt.status).type("application/json").setHeader("ETag", prepared.etag);
        res.send(prepared.bytes);
      } else if (rt.produces === "json") res.status(rt.status).json(result);
      // A document for parents holds personal data: never kept by a cache.
      else if (result instanceof Uint8Array)
        res.status(rt.status).type(MEDIA_TYPES[rt.produces]).setHeader("Cache-Control", "no-store").send(Buffer.from(result.buffer, result.byteOffset, result.byteLength));
      else res.status(rt.status).type(MEDIA_TYPES[rt.produces]).send(result);
    });
    const pageErrors = m.htmlErrors;
    if (pageErrors) {
      const asPage: ErrorRequestHandler = (err: unknown, req, res, next) => {
        if (!(err instanceof AppError) || res.headersSent) return next(err);
        for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
        res.status(err.status).type("text/html").send(pageErrors(err, pageLang(req)));
      };
      (anonymous ? this.anonymousRouter : this.router)[rt.method](rt.path, ...handlers, asPage);
      return;
    }
    (anonymous ? this.anonymousRouter : this.router)[rt.method](rt.path, ...handlers);
  }

  openapi(info: { title: string; version: string }): { openapi: string; info: typeof info; paths: Record<string, Record<string, Record<string, unknown>>> } {
    const paths: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const rt of this.implemented) (paths[openapiPath(rt.path)] ??= {})[rt.method] = operation(rt);
    return {
      openapi: "3.1.0",
      info,
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      paths,
    } as ReturnType<ApiBuilder["openapi"]>;
  }
}

/** Test mode: the answer must match what the route declares, or the request fails loudly. */
function checkAnswer(rt: AnyRoute, result: unknown): void {
  const r = rt.response.safeParse(result);
  if (r.success) return;
  throw new AppError(
    500,
    "RESPONSE_INVALID",
    `The answer of ${rt.method.toUpperCase()} /api${rt.path} does not match its declared response schema`,
    r.error.issues.slice(0, 20).map((i) => ({ path: ["response", ...i.path.map(String)].join("."), message: i.message })),
  );
}

const jsonSchema = (s: z.ZodType, io: "input" | "output"): Record<string, unknown> =>
  z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;

export const openapiPath = (p: string): string => `/api${p.replace(/:([A-Za-z]+)/g, "{$1}")}`;

function operation(rt: AnyRoute): Record<string, unknown> {
  const params = [...rt.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  const q = rt.query ? (jsonSchema(rt.query, "input") as { properties?: Record<string, unknown>; required?: string[] }) : undefined;
  const queryParams = Object.entries(q?.properties ?? {}).map(([name, s]) => ({ name, in: "query", required: q?.required?.includes(name) ?? false, schema: s }));
  const h = rt.headers ? (jsonSchema(rt.headers, "input") as { properties?: Record<string, unknown>; required?: string[] }) : undefined;
  const headerParams = Object.entries(h?.properties ?? {}).map(([name, s]) => ({ name, in: "header", required: h?.required?.includes(name) ?? false, schema: s }));
  const op: Record<string, unknown> = {
    summary: rt.summary,
    tags: [rt.tag],
    security: rt.access === "anonymous" ? [] : [{ bearer: [] }],
    "x-required-role": rt.access === "anonymous" ? "none" : rt.access,
    "x-school-scope": rt.scope,
    parameters: [...params, ...queryParams, ...headerParams],
    responses: {
      [String(rt.status)]: {
        description: "OK",
        content: { [MEDIA_TYPES[rt.produces]]: { schema: rt.produces === "pdf" ? { type: "string", format: "binary" } : jsonSchema(rt.response, "output") } },
      },
      default: { description: "Error", content: { "application/json": { schema: jsonSchema(errorBody, "output") } } },
    },
  };
  const bodyMedia = { csv: "text/csv", form: "application/x-www-form-urlencoded", json: "application/json", binary: "application/octet-stream" }[rt.bodyType];
  if (rt.bodyType === "binary") op.requestBody = { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } };
  else if (rt.body) op.requestBody = { required: true, content: { [bodyMedia]: { schema: jsonSchema(rt.body, "input") } } };
  return op;
}
