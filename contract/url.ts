/**
 * The URL of a route (paths are declared below /api). Without imports, so the smallest bundles (the
 * on-send handler) may use it without carrying a schema library.
 */
export function urlOf(rt: { path: string }, params: Record<string, string> | undefined, query: Record<string, unknown> | undefined): string {
  const p = rt.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`${rt.path}: missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
  const q = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return `/api${p}${q.length > 0 ? `?${q.join("&")}` : ""}`;
}
