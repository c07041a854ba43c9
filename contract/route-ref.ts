import type { AnyRoute } from "./route.js";
import type { routes as fullRoutes } from "./routes.js";

/** Only for the type: carries the full route (its schemas) without a value at run time. */
declare const FULL: unique symbol;

/**
 * What a front end needs of a route at run time: its method, path and body type. The schemas stay on the
 * server's side of the bundle (zod alone is larger than the tab's whole budget); the full route rides
 * along in the type only, so `call(routes.x, input)` is typed by the route's schemas all the same.
 */
export interface RouteRef<Rt extends AnyRoute = AnyRoute> {
  readonly method: Rt["method"];
  readonly path: Rt["path"];
  readonly bodyType: Rt["bodyType"];
  readonly [FULL]?: Rt;
}

/** Every route of contract/routes.ts as a reference (contract/route-refs.ts is generated from it). */
export type RouteRefs = { readonly [K in keyof typeof fullRoutes]: RouteRef<(typeof fullRoutes)[K]> };
