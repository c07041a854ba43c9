import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import type { SentItemsService } from "./service.js";

/** Sent Items, the review list ("Te beoordelen") and the breach register: declared in contract/routes.ts. */
export function sentItemsRoutes(api: ApiBuilder, sent: SentItemsService): void {
  api.implement(routes.addMailbox, ({ principal, body }) => sent.addMailbox(principal.tenantId, body.mailbox, body.since));
  api.implement(routes.sweepSentItems, ({ principal }) => sent.sweep(principal.tenantId));
  api.implement(routes.subscribeSentItems, ({ principal }) => sent.subscribe(principal.tenantId));
  api.implement(routes.graphNotifications, async ({ query, body }) => {
    // The validation handshake: the token back, as text/plain, within 10 seconds.
    if (query.validationToken !== undefined) return query.validationToken;
    sent.notified(body?.value ?? []);
    return "";
  });
  api.implement(routes.reviewList, async ({ principal, query, schools }) => ({ items: await sent.reviewList(principal.tenantId, query.state, schools) }));
  api.implement(routes.decideReview, ({ principal, params, body }) => sent.decide(principal, params.id, body));
  api.implement(routes.decideBreach, ({ principal, params, body }) => sent.decideBreach(principal, params.id, body));
  api.implement(routes.openBreach, ({ principal, body }) => sent.openBreach(principal, body));
  api.implement(routes.overrideBreach, ({ principal, params, body }) => sent.overrideBreach(principal, params.id, body));
  api.implement(routes.breaches, async ({ principal, schools }) => ({ breaches: await sent.breaches(principal.tenantId, schools) }));
}
