import type { RequestHandler } from "express";
import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import { bearerOf } from "../identity/auth.js";
import type { MailSender } from "../register/ports.js";
import type { RecordConsentDeps } from "../register/record-consent.js";
import { letterSender, type ConsentRequestService } from "../register/requests.js";
import { AppError } from "../shared/errors.js";
import { SlidingWindowLimiter } from "../shared/ratelimit.js";
import type { FollowUp } from "./follow-up.js";
import { parentErrorPage } from "./page.js";
import { invalid } from "./links.js";
import type { ParentPortal } from "./service.js";

/**
 * The parents' page has its own limit, checked before any other work (no storage read, no MAC): per
 * client address, and for the instance as a whole (a spread-out guess at links).
 */
export function pageRateLimit(perAddressPerMinute: number, perInstancePerMinute: number): RequestHandler {
  const addresses = new SlidingWindowLimiter(perAddressPerMinute);
  const all = new SlidingWindowLimiter(perInstancePerMinute);
  return (req, _res, next) => {
    const wait = addresses.take(req.ip ?? "unknown") || all.take("all");
    if (wait > 0)
      return next(
        new AppError(429, "RATE_LIMITED", { en: "Too many tries. Wait a minute and try again.", nl: "Te veel pogingen. Wacht een minuut en probeer het opnieuw." }, undefined, {
          "Retry-After": String(wait),
        }),
      );
    next();
  };
}

export function portalRoutes(
  api: ApiBuilder,
  deps: RecordConsentDeps & { portal: ParentPortal; followUp: FollowUp; requests: ConsentRequestService; mail: MailSender; rateLimit: { perAddress: number; perInstance: number } },
): void {
  const { portal, followUp, requests, mail } = deps;
  const page = {
    before: [pageRateLimit(deps.rateLimit.perAddress, deps.rateLimit.perInstance)],
    // A malformed token is an invalid link to the parent; a server fault says only that something went wrong.
    htmlErrors: (err: AppError, lang: "nl" | "en") =>
      parentErrorPage(
        lang,
        err.code === "VALIDATION_FAILED" ? invalid().messageIn(lang) : err.status >= 500 ? (lang === "en" ? "Something went wrong. Try again later." : "Er ging iets mis. Probeer het later opnieuw.") : err.messageIn(lang),
      ),
  };
  api.implement(routes.parentPage, ({ params, query }) => portal.view(params.token, query.lang), page);
  api.implement(routes.parentAnswer, ({ params, query, body }) => portal.answer(params.token, body.answer, body.lang ?? query.lang), page);
  api.implement(routes.recordReply, ({ req, principal, params, body, requestKey }) =>
    followUp.recordReply(deps, principal, params.id, body, { requestKey, userToken: () => bearerOf(req) }),
  );
  api.implement(routes.openRequests, async ({ principal, query, schools }) => ({ requests: await followUp.list(principal.tenantId, query.state, new Date(), schools) }));
  api.implement(routes.remindConsentRequest, ({ req, principal, params }) => followUp.remind(principal, params.id, letterSender(mail, principal, bearerOf(req))));
  api.implement(routes.remindersDue, ({ principal, schools }) => followUp.remindersDue(principal.tenantId, schools));
  // Sends exactly the due ones, from the coordinator's own mailbox (delegated), whatever the school's autoReminders.
  // A sign-in or consent problem, or no Graph at all (dev mode: 503), stops the round with its error (the
  // client prompts or says so); another failure is counted and the rest go on.
  api.implement(routes.remindDue, ({ req, principal, schools }) =>
    followUp.remindAllDue(principal.tenantId, schools, () => letterSender(mail, principal, bearerOf(req)), {
      failure: (err) => {
        if (err instanceof AppError && (err.status === 401 || err.status === 503 || err.code === "CONSENT_REQUIRED")) throw err;
      },
    }),
  );
  api.implement(routes.renewalPreview, ({ principal, query }) => followUp.renewalPreview(principal.tenantId, query.schoolId));
  api.implement(routes.renewalRound, ({ req, principal, body, lang }) =>
    followUp.renewalRound(
      principal,
      body.items,
      body.lang,
      body.send
        ? (r) => requests.sendOnce(principal, r.requestId, letterSender(mail, principal, bearerOf(req)))
        : undefined,
      lang,
    ),
  );
}
