/**
 * The register's first page, asked as soon as the tab has a token: before React, Fluent UI and the
 * views are loaded (main.tsx loads them at the same time), so that the page's data and the bundle's
 * start-up overlap instead of following each other (issue 17: the register's first rows within about a
 * second at 30,000 students). The register view takes it once, for the same query; anything else asks
 * the server as usual. No React here: this module is part of the tab's small entry.
 */
import { routes } from "../../contract/route-refs.js";
import type { RegisterPage, RegisterQuery } from "../../contract/index.js";
import type { ApiClient } from "../shared/api.js";
import { REGISTER_PAGE, filtersFromParams, queryOf } from "./model.js";

/** An early page older than this is not used (the register was opened later, its data may have changed). */
const FRESH_MS = 15_000;

let early: { key: string; at: number; page: Promise<RegisterPage>; done?: RegisterPage } | undefined;

const keyOf = (q: RegisterQuery): string => JSON.stringify(q);

/** Asks the first page of the register the URL describes (its filters and sort). */
export function askFirstPage(api: ApiClient, params: URLSearchParams, now = Date.now()): void {
  const { filters, sort } = filtersFromParams(params);
  const query = queryOf(filters, sort, 0, REGISTER_PAGE);
  const page = api.call(routes.registerRows, { query });
  // Its failure is shown by the register view that takes it; never an unhandled rejection when none does.
  page.catch(() => undefined);
  const mine = { key: keyOf(query), at: now, page } as NonNullable<typeof early>;
  early = mine;
  // Kept when it arrives, so that a register mounted after it renders its rows in its first render.
  page.then((p) => (mine.done = p), () => undefined);
}

/**
 * The early page for this query if it has already arrived, once (then it is gone): the register renders
 * it in the same render as the rest of the screen instead of showing "loading" for a frame.
 */
export function arrivedFirstPage(query: RegisterQuery, now = Date.now()): RegisterPage | undefined {
  const e = early;
  if (!e?.done || e.key !== keyOf(query) || now - e.at > FRESH_MS) return undefined;
  early = undefined;
  return e.done;
}

/** The early page for this query, once (then it is gone); undefined when none was asked for it. */
export function takeFirstPage(query: RegisterQuery, now = Date.now()): Promise<RegisterPage> | undefined {
  const e = early;
  early = undefined;
  return e && e.key === keyOf(query) && now - e.at <= FRESH_MS ? e.page : undefined;
}

/**
 * Resolves when the early page has arrived (or failed), or after `ms`, whichever comes first; at once when
 * none was asked. The tab's entry waits on it before React's first render, once the screen's code is
 * ready: a page that arrives within that time is rendered in the first render (one render, one layout
 * and paint of the screen with its rows, instead of the screen with "loading" and then again with the
 * rows: issue 17, the first rows); a slower server gets the screen with "loading" after `ms`, as before.
 */
export function firstPageSettled(ms: number): Promise<void> {
  const e = early;
  if (!e || e.done) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    e.page.then(done, done);
  });
}
