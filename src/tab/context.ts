import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import type { TabApi, Party, Purpose, School } from "./api.js";
import type { Role } from "../../contract/index.js";
import type { Host } from "./host.js";
import { REGISTER_PARAMS, type RowState, type SortKey } from "./model.js";

/** An override found wrong, to open as a data breach (its check id travels in the URL as `check`). */
export interface OverrideRef {
  checkId: string;
  /** The reason given for sending anyway, when the view that opened it knew it (not kept in the URL). */
  reason?: string;
}

export type Route =
  /** `state`, `sort`: the register opened on these (the students behind an overview number), other filters cleared. */
  | { view: "register"; state?: RowState; sort?: SortKey }
  | { view: "overview" }
  | { view: "directory" }
  | { view: "requests" }
  | { view: "review"; override?: OverrideRef }
  | { view: "adminlog" }
  | { view: "approvals" }
  | { view: "setup" }
  | { view: "import" }
  | { view: "guardians"; id?: string }
  | { view: "student"; id: string }
  | { view: "export"; id: string };

export function routeFromParams(p: URLSearchParams): Route {
  const view = p.get("view");
  const id = p.get("student") ?? "";
  if (view === "student" && id) return { view, id };
  if (view === "export" && id) return { view, id };
  const check = p.get("check");
  if (view === "review" && check) return { view, override: { checkId: check } };
  if (view === "overview" || view === "directory" || view === "review" || view === "requests" || view === "adminlog" || view === "approvals" || view === "setup" || view === "import") return { view };
  if (view === "guardians") return id ? { view, id } : { view };
  return { view: "register" };
}

/** The URL of a route, keeping the language and theme parameters of the current one. */
export function hrefOf(route: Route, current: URLSearchParams): string {
  const p = new URLSearchParams();
  // The register's filters and sort travel along, so "back to the register" finds them again.
  const opensOn = route.view === "register" && (route.state || route.sort);
  for (const keep of ["lang", "theme", "host", "tenant", "role", ...(opensOn ? [] : REGISTER_PARAMS)]) {
    const v = current.get(keep);
    if (v) p.set(keep, v);
  }
  p.set("view", route.view);
  if (route.view === "register" && route.state) p.set("state", route.state);
  if (route.view === "register" && route.sort) p.set("sort", route.sort);
  if (route.view === "student" || route.view === "export") p.set("student", route.id);
  if (route.view === "guardians" && route.id) p.set("student", route.id);
  if (route.view === "review" && route.override) p.set("check", route.override.checkId);
  return `?${p.toString()}`;
}

export interface Names {
  parties: Map<string, Party>;
  purposes: Map<string, Purpose>;
  schools: Map<string, School>;
  party(id: string | undefined): string;
  purpose(id: string | undefined): string;
  school(id: string | undefined): string;
}

export function makeNames(parties: Party[], purposes: Purpose[], schools: School[]): Names {
  const pm = new Map(parties.map((p) => [p.id, p]));
  const um = new Map(purposes.map((p) => [p.id, p]));
  const sm = new Map(schools.map((s) => [s.id, s]));
  return {
    parties: pm,
    purposes: um,
    schools: sm,
    party: (id) => (id ? (pm.get(id)?.name ?? id) : ""),
    purpose: (id) => (id ? (um.get(id)?.label ?? id) : ""),
    school: (id) => (id ? (sm.get(id)?.name ?? id) : ""),
  };
}

export interface AppContextValue {
  api: TabApi;
  host: Host;
  names: Names;
  reloadNames(): void;
  navigate(route: Route): void;
  href(route: Route): string;
  /** The caller's roles (GET /api/me; empty until known or when it could not be asked). */
  roles: readonly Role[];
  /** Asks the last audit's outcome again (the banner), e.g. after an audit run from the admin log view. */
  recheckAudit(): void;
}

export const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error("AppContext missing");
  return v;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Loads data for a view; stale answers of an earlier load are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    // Unchanged when it is loading already (the first load): no render of the caller for nothing.
    setState((s) => (s.loading && s.error === undefined ? s : { ...s, loading: true, error: undefined }));
    load().then(
      (data) => mine === seq.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => mine === seq.current && setState({ data: undefined, error, loading: false }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
