/**
 * The URL of a route (paths are declared below /api). Without imports, so the smallest bundles (the
 * on-send handler) may use it without carrying a schema library. ES2016 only (no Object.entries): the
 * handler runs in classic Outlook's JavaScript-only runtime, and the build refuses newer built-ins.
 */
export function urlOf(rt: { path: string }, params: Record<string, string> | undefined, query: Record<string, unknown> | undefined): string {
  const p = rt.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`${rt.path}: missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
  const given = query ?? {};
  const q = Object.keys(given)
    .filter((k) => given[k] !== undefined && given[k] !== null && given[k] !== "")
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(given[k]))}`);
  return `/api${p}${q.length > 0 ? `?${q.join("&")}` : ""}`;
}
