import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import { bearerOf, hasRole, type SchoolAccess } from "../identity/auth.js";
import type { DirectoryService } from "../directory/service.js";
import type { RegisterService } from "./service.js";
import type { RegisterRepository } from "./repository.js";
import { letterSender, type ConsentRequestService } from "./requests.js";
import { loadAccessExport, type ExportBreach } from "./export.js";
import type { MailSender, MessageEvidenceSource } from "./ports.js";
import { recordConsent } from "./record-consent.js";

export function registerRoutes(
  api: ApiBuilder,
  deps: {
    register: RegisterService;
    repo: RegisterRepository;
    directory: DirectoryService;
    requests: ConsentRequestService;
    messages: MessageEvidenceSource;
    mail: MailSender;
    /** The data breaches that concern a student (the breach register), for the access export. */
    breachesOf?: (tenantId: string, studentId: string) => Promise<ExportBreach[]>;
    /** The coordinator's open work in numbers (open requests, mails to review) for the overview. */
    openWork?: (tenantId: string, schools: SchoolAccess, at: Date) => Promise<{ openRequests: number; toReview: number }>;
  },
): void {
  const { register, repo, directory, requests, mail } = deps;
  api.implement(routes.recordConsent, ({ req, principal, body, requestKey }) =>
    recordConsent(deps, principal, body, { requestKey, userToken: () => bearerOf(req) }),
  );
  api.implement(routes.withdraw, ({ principal, body, params, requestKey }) => register.withdraw(principal, params.id, body, requestKey));
  api.implement(routes.notice, ({ principal, body, requestKey }) => register.notice(principal, body, requestKey));
  api.implement(routes.restrict, ({ principal, body, params, requestKey }) => register.restrict(principal, params.id, body, requestKey));
  api.implement(routes.createConsentRequest, ({ principal, body }) => requests.create(principal, body));
  api.implement(routes.sendConsentRequest, ({ req, principal, params }) =>
    requests.sendOnce(principal, params.id, letterSender(mail, principal, bearerOf(req))),
  );
  api.implement(routes.consentRequest, ({ principal, params }) => requests.get(principal, params.id));
  api.implement(routes.register, ({ principal, params }) => register.register(principal.tenantId, params.id));
  api.implement(routes.accessExport, ({ principal, params }) => loadAccessExport(deps, principal.tenantId, params.id));
  api.implement(routes.overview, async ({ principal, schools }) => {
    const at = new Date();
    // The open work only for those whose screens show it (coordinators, the privacy officer).
    const work = deps.openWork && hasRole(principal, "coordinator") ? deps.openWork(principal.tenantId, schools, at) : undefined;
    const [overview, counts] = await Promise.all([register.overview(principal.tenantId, at, schools), work]);
    return counts ? { ...overview, work: counts } : overview;
  });
  api.implement(routes.registerRows, async ({ principal, query, schools }) => register.rows(principal.tenantId, query, schools));
  api.implement(routes.stats, ({ principal, schools }) => register.stats(principal.tenantId, new Date(), schools));
  api.implement(routes.verifyAll, ({ principal }) => register.verifyAll(principal.tenantId));
  api.implement(routes.auditStatus, ({ principal }) => register.auditStatus(principal.tenantId));
}
