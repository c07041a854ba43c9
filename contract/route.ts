import { z } from "zod";
import type { Role } from "./enums.js";

/**
 * How a route of the API is declared: once, here in the contract, and used by the server (which
 * validates input and, in test mode, its own answer against it), the OpenAPI document, docs/API.md and
 * the front ends' typed client (`call(route, input)`).
 */

export type Method = "get" | "post" | "put";

/** Who may call: a role, every signed-in user ("any"), or no one needs to sign in ("anonymous"). */
export type Access = Role | "any" | "anonymous";

/** What the answer is: JSON (default), or a page, a document or text. */
export const MEDIA_TYPES = { json: "application/json", html: "text/html", pdf: "application/pdf", text: "text/plain" } as const;
export type Produces = keyof typeof MEDIA_TYPES;

/** The records a route may find its school through. */
export type ScopeVia = "school" | "student" | "consent" | "check" | "consent-request" | "graph-message" | "mail-content" | "review-item" | "breach" | "approval";

/**
 * How a route finds the school(s) it touches, so per-school authorisation can be enforced by
 * construction: "none" touches no school's data, "tenant" every school of the token's tenant (only for
 * callers who see every school), "own-schools" the caller's schools; otherwise
 * the school is found through a record named in a path parameter, a body field or a query field.
 */
export type SchoolScope =
  | { from: "none" }
  | { from: "tenant" }
  /** A list or summary over the tenant that answers only about the caller's own schools (the handler filters with `schools`). */
  | { from: "own-schools" }
  | { from: "param"; name: string; via: ScopeVia }
  | { from: "body"; field: string; via: ScopeVia }
  | { from: "query"; field: string; via: ScopeVia };

/** The names of a path's parameters: "/students/:id/register" -> "id". */
export type ParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}`
  ? N | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer N}`
    ? N
    : never;

type NoTopLevelAny<R> = R extends z.ZodAny | z.ZodUnknown ? never : R;

export interface Route<
  P extends string = string,
  PS extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType = z.ZodType,
> {
  method: Method;
  path: P;
  summary: string;
  tag: string;
  access: Access;
  scope: SchoolScope;
  params: PS;
  query: Q;
  body: B;
  /**
   * The body's media type: JSON (default), CSV text (validated by a string schema), an HTML form
   * (urlencoded), or raw bytes ("binary": application/octet-stream or the file's own type; the server
   * streams it unparsed and the body schema only types what a client sends).
   */
  bodyType: BodyType;
  /** Request headers the route reads (lower-case names), validated like the query. */
  headers: z.ZodType | undefined;
  response: R;
  produces: Produces;
  /** The success status: 201 for a POST unless said otherwise, 200 for the others. */
  status: number;
}

export type BodyType = "json" | "csv" | "form" | "binary";

/** A PDF document's bytes: the answer of a route that produces "pdf" (documents for parents, issue 17). */
export const pdfBytes = z.instanceof(Uint8Array);

export type AnyRoute = Route<string, z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, z.ZodType>;

type ParamsField<P extends string, PS> = [ParamNames<P>] extends [never]
  ? { params?: undefined }
  : { params: PS & z.ZodType<{ [K in ParamNames<P>]: string }> };

export type RouteInit<P extends string, PS, Q, B, R> = Pick<Route<P>, "method" | "path" | "summary" | "tag" | "access" | "scope"> & {
  query?: Q;
  body?: B;
  bodyType?: BodyType;
  headers?: z.ZodType;
  /** Required; never a top-level unknown or any. */
  response: NoTopLevelAny<R>;
  produces?: Produces;
  status?: number;
} & ParamsField<P, PS>;

const pathParams = (path: string): string[] => [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? "");

/**
 * Declares a route. Checked here (at load) as well as by the type: the path's parameters and the params
 * schema name the same fields, a response schema is given and is not a top-level unknown/any, and a
 * non-JSON answer is a string (a PDF: its bytes, `pdfBytes`).
 */
export function route<
  const P extends string,
  R extends z.ZodType,
  PS extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(init: RouteInit<P, PS, Q, B, R>): Route<P, PS, Q, B, R> {
  const where = `${init.method.toUpperCase()} ${init.path}`;
  const names = pathParams(init.path).sort();
  const params = init.params as z.ZodType | undefined;
  const declared = params instanceof z.ZodObject ? Object.keys(params.shape).sort() : [];
  if (names.join() !== declared.join()) throw new Error(`${where}: path parameters [${names.join()}] but params schema [${declared.join()}]`);
  const response = init.response as z.ZodType;
  if (!(response instanceof z.ZodType) || response instanceof z.ZodAny || response instanceof z.ZodUnknown)
    throw new Error(`${where}: a response schema is required (not unknown/any)`);
  const produces = init.produces ?? "json";
  if (produces === "pdf" ? !(response instanceof z.ZodCustom) : produces !== "json" && !(response instanceof z.ZodString))
    throw new Error(`${where}: a ${produces} answer is ${produces === "pdf" ? "bytes (pdfBytes)" : "a string"}`);
  if (init.scope.from === "param" && !names.includes(init.scope.name)) throw new Error(`${where}: scope names an unknown parameter`);
  return {
    method: init.method,
    path: init.path,
    summary: init.summary,
    tag: init.tag,
    access: init.access,
    scope: init.scope,
    params: init.params as PS,
    query: init.query as Q,
    body: init.body as B,
    bodyType: init.bodyType ?? "json",
    headers: init.headers,
    response: init.response as R,
    produces,
    status: init.status ?? (init.method === "post" ? 201 : 200),
  };
}

type In<S> = S extends z.ZodType ? z.input<S> : undefined;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type Field<K extends string, S> = S extends z.ZodType ? ({} extends z.input<S> ? { [k in K]?: z.input<S> } : { [k in K]: z.input<S> }) : { [k in K]?: undefined };

/** What a client sends: the path parameters, the query and the body, each as its schema's input. */
export type RouteInput<Rt extends AnyRoute> = Field<"params", Rt["params"]> & Field<"query", Rt["query"]> & Field<"body", Rt["body"]> & { headers?: Record<string, string> };
/** What a client receives. */
export type RouteOutput<Rt extends AnyRoute> = z.output<Rt["response"]>;
/** What a handler receives (parsed and defaulted) and returns. */
export type HandlerInput<Rt extends AnyRoute> = { params: Out<Rt["params"]>; query: Out<Rt["query"]>; body: Out<Rt["body"]> };
export type HandlerOutput<Rt extends AnyRoute> = z.input<Rt["response"]>;
export type { In as SchemaInput };

export { urlOf } from "./url.js";
