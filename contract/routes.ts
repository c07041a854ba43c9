import { z } from "zod";
import { pdfBytes, route } from "./route.js";
import { LANGS } from "./enums.js";
import { id } from "./patterns.js";
import {
  authorityConfirmation,
  csvImportBody,
  csvImportQuery,
  guardianLookupQuery,
  guardianMatch,
  importRequest,
  importResult,
  csvImportReport,
  guardianContactInput,
  party,
  partyInput,
  policy,
  policyInput,
  purpose,
  purposeInput,
  school,
  sdsSyncReport,
  studentQuery,
  studentSummary,
} from "./directory.js";
import {
  accessExport,
  consentEvent,
  consentRequest,
  consentRequestInput,
  consentRequestRecord,
  noticeEvent,
  noticeRequest,
  restrictionEvent,
  restrictionRequest,
  overviewResponse,
  registerPage,
  registerQuery,
  registerResponse,
  statsResponse,
  verifyResponse,
  withdrawalEvent,
  withdrawRequest,
} from "./register.js";
import { attachmentReceipt, attachmentUploadHeaders, checkRequest, checkResponse, overrideRequest, overrideResponse, uploadBytes } from "./sendcheck.js";
import {
  breach,
  breachList,
  breachUpdate,
  breachRequest,
  overrideBreachRequest,
  decisionRequest,
  decisionResponse,
  mailboxRequest,
  mailboxResponse,
  notificationBody,
  notificationQuery,
  reviewList,
  reviewQuery,
  subscriptionReport,
  sweepReport,
} from "./sentitems.js";
import { legalHold, legalHoldInput, purgeReport, purgeReports, purgeRequest, viewsResponse } from "./retention.js";
import { graphEvidence, graphEvidenceRequest, me } from "./identity.js";
import {
  openRequestsQuery,
  openRequestsResponse,
  parentAnswerForm,
  parentPageParams,
  parentPageQuery,
  renewalPreview,
  renewalQuery,
  renewalRequest,
  renewalResult,
  remindResult,
  remindersDue,
  remindDueResult,
  replyRecordRequest,
} from "./portal.js";
import { adminLogQuery, adminLogResponse, auditStatusResponse, approvalRecord, approvalsResponse, backupsResponse, bulkViewsResponse, decisionInput, proposalInput } from "./admin.js";

/**
 * Every route of /api, declared once. The server implements each (server/<component>/routes.ts),
 * the OpenAPI document and docs/API.md are generated from this table, and the front ends call them
 * with `call(routes.x, input)`. Keys are stable names; paths are relative to /api.
 */

const byId = z.object({ id }).strict();
const bySchool = z.object({ schoolId: id }).strict();
const student = (name = "id") => ({ from: "param", name, via: "student" }) as const;
/** The language of a document for parents: Dutch unless asked otherwise. */
const documentQuery = z.object({ lang: z.enum(LANGS).optional() }).strict();
const classOverviewQuery = z.object({ schoolId: id, className: z.string().min(1).max(20), lang: z.enum(LANGS).optional() }).strict();

export const routes = {
  // identity
  me: route({
    method: "get", path: "/me", tag: "identity", access: "any", scope: { from: "none" },
    summary: "Who is calling: user, tenant, roles and whether the server runs in dev mode",
    response: me,
  }),
  openapi: route({
    method: "get", path: "/openapi.json", tag: "identity", access: "anonymous", scope: { from: "none" },
    summary: "This document: OpenAPI 3.1, generated from the route table",
    response: z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.record(z.string(), z.object({}).loose())) }).loose(),
  }),
  syncSds: route({
    method: "post", path: "/sync/sds", tag: "identity", access: "coordinator", scope: { from: "tenant" }, status: 200,
    summary: "Run the School Data Sync now: schools, students and guardians from Microsoft Graph (never deletes)",
    response: sdsSyncReport,
  }),
  importCsv: route({
    method: "post", path: "/import/csv", tag: "identity", access: "coordinator", scope: { from: "query", field: "schoolId", via: "school" }, status: 200,
    summary: "Import a student-system export (CSV; ParnasSys, Magister, Somtoday headings recognised) into one school; dryRun=true previews it row by row and writes nothing",
    bodyType: "csv", body: csvImportBody, query: csvImportQuery,
    response: csvImportReport,
  }),
  graphEvidence: route({
    method: "post", path: "/evidence/graph", tag: "identity", access: "coordinator", scope: { from: "body", field: "studentId", via: "student" }, status: 200,
    summary: "The server's evidence of an Outlook message: SHA-256 of its original MIME from Graph",
    body: graphEvidenceRequest,
    response: graphEvidence,
  }),

  // directory
  importDirectory: route({
    method: "post", path: "/import", tag: "directory", access: "coordinator", scope: { from: "body", field: "schools[].id, students[].schoolId, policies[].schoolId", via: "school" }, status: 200,
    summary: "Idempotent bulk upsert of schools, students with guardians, parties, purposes and policies",
    body: importRequest,
    response: importResult,
  }),
  schools: route({
    method: "get", path: "/schools", tag: "directory", access: "viewer", scope: { from: "own-schools" },
    summary: "The schools of the tenant",
    response: z.object({ schools: z.array(school) }),
  }),
  students: route({
    method: "get", path: "/students", tag: "directory", access: "viewer", scope: { from: "own-schools" },
    summary: "Search students by name or student number",
    query: studentQuery,
    response: z.object({ students: z.array(studentSummary) }),
  }),
  student: route({
    method: "get", path: "/students/:id", tag: "directory", access: "viewer", scope: student(),
    summary: "One student with their guardians",
    params: byId,
    response: studentSummary,
  }),
  confirmAuthority: route({
    method: "put", path: "/students/:id/guardians/:guardianId/authority", tag: "directory", access: "coordinator", scope: student(),
    summary: "Confirm (or correct) a parent's parental authority: the parents' declaration or a gezagsregister extract",
    params: z.object({ id, guardianId: id }).strict(), body: authorityConfirmation,
    response: studentSummary,
  }),
  guardianLookup: route({
    method: "get", path: "/guardians/lookup", tag: "directory", access: "coordinator", scope: { from: "own-schools" },
    summary: "Which students a sender's email address is a guardian of",
    query: guardianLookupQuery,
    response: z.object({ matches: z.array(guardianMatch) }),
  }),
  parties: route({
    method: "get", path: "/parties", tag: "directory", access: "viewer", scope: { from: "none" },
    summary: "The party directory",
    response: z.object({ parties: z.array(party) }),
  }),
  putParty: route({
    method: "put", path: "/parties/:id", tag: "directory", access: "coordinator", scope: { from: "none" },
    summary: "Add or change a party",
    params: byId, body: partyInput,
    response: party,
  }),
  purposes: route({
    method: "get", path: "/purposes", tag: "directory", access: "viewer", scope: { from: "none" },
    summary: "The purposes consent is asked for",
    response: z.object({ purposes: z.array(purpose) }),
  }),
  putPurpose: route({
    method: "put", path: "/purposes/:id", tag: "directory", access: "coordinator", scope: { from: "none" },
    summary: "Add or change a purpose",
    params: byId, body: purposeInput,
    response: purpose,
  }),
  policy: route({
    method: "get", path: "/policies/:schoolId", tag: "directory", access: "viewer", scope: { from: "param", name: "schoolId", via: "school" },
    summary: "A school's policy (defaults of DOMAIN.md when never set)",
    params: bySchool,
    response: policy,
  }),
  putPolicy: route({
    method: "put", path: "/policies/:schoolId", tag: "directory", access: "coordinator", scope: { from: "param", name: "schoolId", via: "school" },
    summary: "Change a school's policy",
    params: bySchool, body: policyInput,
    response: policy,
  }),

  // register
  recordConsent: route({
    method: "post", path: "/consents", tag: "register", access: "coordinator", scope: { from: "body", field: "studentId", via: "student" },
    summary: "Record a consent or refusal with its evidence",
    body: consentRequest,
    response: consentEvent,
  }),
  withdraw: route({
    method: "post", path: "/consents/:id/withdraw", tag: "register", access: "coordinator", scope: { from: "param", name: "id", via: "consent" },
    summary: "Withdraw a consent (a new event; the consent stays on record)",
    params: byId, body: withdrawRequest,
    response: withdrawalEvent,
  }),
  restrict: route({
    method: "post", path: "/students/:id/restrictions", tag: "register", access: "coordinator", scope: student(),
    summary: "Leave a (party, purpose) out of the parents' access export while informing them is unsafe (UAVG art. 41), or lift that",
    params: byId, body: restrictionRequest,
    response: restrictionEvent,
  }),
  notice: route({
    method: "post", path: "/notices", tag: "register", access: "coordinator", scope: { from: "body", field: "studentId", via: "student" },
    summary: "Record that parents were informed of a disclosure on a legal basis",
    body: noticeRequest,
    response: noticeEvent,
  }),
  createConsentRequest: route({
    method: "post", path: "/consent-requests", tag: "register", access: "coordinator", scope: { from: "body", field: "studentId", via: "student" },
    summary: "Write a consent request that informs parents (DOMAIN.md section 4)",
    body: consentRequestInput,
    response: consentRequestRecord,
  }),
  sendConsentRequest: route({
    method: "post", path: "/consent-requests/:id/send", tag: "register", access: "coordinator", scope: { from: "param", name: "id", via: "consent-request" }, status: 200,
    summary: "Send a consent request from the coordinator's mailbox through Microsoft Graph (Entra mode)",
    params: byId,
    response: consentRequestRecord,
  }),
  consentRequest: route({
    method: "get", path: "/consent-requests/:id", tag: "register", access: "coordinator", scope: { from: "param", name: "id", via: "consent-request" },
    summary: "A consent request and the text the parents were shown",
    params: byId,
    response: consentRequestRecord,
  }),
  register: route({
    method: "get", path: "/students/:id/register", tag: "register", access: "viewer", scope: student(),
    summary: "A student's register: events, current status, notices, disclosures, chain check",
    params: byId,
    response: registerResponse,
  }),
  accessExport: route({
    method: "get", path: "/students/:id/export", tag: "register", access: "coordinator", scope: student(),
    summary: "The parents' access export (inzage) of one student",
    params: byId,
    response: accessExport,
  }),
  overview: route({
    method: "get", path: "/register/overview", tag: "register", access: "viewer", scope: { from: "own-schools" },
    summary: "The register in numbers (students per state, expiring consents, disclosures, overrides) and what the Overview screen shows; the students behind a number through /register/rows",
    response: overviewResponse,
  }),
  // board scale (issue 17): the register searched, filtered, sorted and paged on the server
  registerRows: route({
    method: "get", path: "/register/rows", tag: "register", access: "viewer", scope: { from: "own-schools" },
    summary: "One page of the register: search, filters (state, party, purpose, school, class), sort (family name first)",
    query: registerQuery,
    response: registerPage,
  }),
  stats: route({
    method: "get", path: "/stats", tag: "register", access: "viewer", scope: { from: "own-schools" },
    summary: "Every consent expiring within 30 days, disclosures per party this school year, the latest overrides",
    response: statsResponse,
  }),
  verifyAll: route({
    method: "get", path: "/audit/verify", tag: "register", access: "coordinator", scope: { from: "tenant" },
    summary: "Verify every event chain of the tenant",
    response: verifyResponse,
  }),

  // sendcheck
  check: route({
    method: "post", path: "/check", tag: "sendcheck", access: "staff", scope: { from: "body", field: "subject, body, attachments", via: "mail-content" }, status: 200,
    summary:
      "Check a mail: students, recipients, verdict. A query writes nothing; the on-send handler's recording check (mode send, Idempotency-Key) leaves one pending record and returns the header stamp",
    body: checkRequest,
    response: checkResponse,
  }),
  // Attachment contents (issue 14): raw bytes in, a signed receipt out; the check request carries it back.
  uploadAttachment: route({
    method: "post", path: "/check/attachments", tag: "sendcheck", access: "staff", scope: { from: "none" }, status: 200,
    summary:
      "Upload one attachment's contents for a check (raw bytes; X-ZV-Check names the check, X-ZV-Name the file, percent-encoded). Answers a signed receipt of what was found, never the text; nothing is kept.",
    bodyType: "binary", body: uploadBytes, headers: attachmentUploadHeaders,
    response: attachmentReceipt,
  }),
  getCheck: route({
    method: "get", path: "/checks/:id", tag: "sendcheck", access: "staff", scope: { from: "param", name: "id", via: "check" },
    summary: "A stored check result (never the mail itself): only for the user who made it, or a coordinator",
    params: byId,
    response: checkResponse,
  }),
  override: route({
    method: "post", path: "/checks/:id/override", tag: "sendcheck", access: "staff", scope: { from: "param", name: "id", via: "check" },
    summary: "Send despite a block, with a recorded reason bound to the digest of the checked mail (logged once Sent Items confirms the send)",
    params: byId, body: overrideRequest,
    response: overrideResponse,
  }),

  // sentitems (issue #15): what was sent, confirmed from the senders' Sent Items
  addMailbox: route({
    method: "post", path: "/sent-items/mailboxes", tag: "sentitems", access: "coordinator", scope: { from: "tenant" },
    summary: "Sweep a mailbox's Sent Items from now (an add-in user or a shared mailbox they send from)",
    body: mailboxRequest,
    response: mailboxResponse,
  }),
  sweepSentItems: route({
    method: "post", path: "/sent-items/sweep", tag: "sentitems", access: "coordinator", scope: { from: "tenant" }, status: 200,
    summary: "Read the senders' Sent Items now (delta query): confirm pending checks, log what was sent, list what needs review",
    response: sweepReport,
  }),
  subscribeSentItems: route({
    method: "post", path: "/sent-items/subscriptions", tag: "sentitems", access: "coordinator", scope: { from: "tenant" }, status: 200,
    summary: "Subscribe to change notifications on every sender's Sent Items now (renewing those that expire soon)",
    response: subscriptionReport,
  }),
  graphNotifications: route({
    method: "post", path: "/graph/notifications", tag: "sentitems", access: "anonymous", scope: { from: "none" }, status: 200, produces: "text",
    summary: "Microsoft Graph's change and lifecycle notifications (validation handshake: the validationToken echoed as text/plain); answered at once, the work is done after",
    query: notificationQuery, body: notificationBody,
    response: z.string(),
  }),
  reviewList: route({
    method: "get", path: "/review", tag: "sentitems", access: "coordinator", scope: { from: "own-schools" },
    summary: "Te beoordelen: sent mails without a valid check, or changed, that the rules would not allow at the send time (never a body); only those whose students are all of the caller's schools",
    query: reviewQuery,
    response: reviewList,
  }),
  decideReview: route({
    method: "post", path: "/review/:id/decision", tag: "sentitems", access: "coordinator", scope: { from: "param", name: "id", via: "review-item" }, status: 200,
    summary: "Decide on a reviewed mail: lawful (logged as a disclosure with who decided) or a data breach (72 hours from now)",
    params: byId, body: decisionRequest,
    response: decisionResponse,
  }),
  breaches: route({
    method: "get", path: "/breaches", tag: "sentitems", access: "coordinator", scope: { from: "own-schools" },
    summary: "The data breach register (datalekkenregister): what, students, recipients, flagged, aware, the 72-hour deadline; only those whose students are all of the caller's schools",
    response: breachList,
  }),
  decideBreach: route({
    method: "post", path: "/breaches/:id/decisions", tag: "sentitems", access: "coordinator", scope: { from: "param", name: "id", via: "breach" }, status: 200,
    summary: "Record the decision on notifying the Autoriteit Persoonsgegevens, on informing the parents (each with its reason, once) and the follow-up",
    params: byId, body: breachUpdate,
    response: breach,
  }),
  openBreach: route({
    method: "post", path: "/breaches", tag: "sentitems", access: "coordinator", scope: { from: "body", field: "studentIds[]", via: "student" },
    summary: "Register a data breach by hand: what happened, students, recipients, categories, when the school became aware (the 72 hours run from it)",
    body: breachRequest,
    response: breach,
  }),
  overrideBreach: route({
    method: "post", path: "/checks/:id/breach", tag: "sentitems", access: "coordinator", scope: { from: "param", name: "id", via: "check" },
    summary: "Register a data breach from an override found wrong: the overridden check's students and the recipients it blocked",
    params: byId, body: overrideBreachRequest,
    response: breach,
  }),

  // retention
  purge: route({
    method: "post", path: "/retention/purge", tag: "retention", access: "coordinator", scope: { from: "tenant" }, status: 200,
    summary: "Purge what the retention policy says is due (dryRun: report only, change nothing)",
    body: purgeRequest,
    response: purgeReport,
  }),
  purgeReports: route({
    method: "get", path: "/retention/reports", tag: "retention", access: "coordinator", scope: { from: "tenant" },
    summary: "Reports of earlier purges, newest first (counts only)",
    response: purgeReports,
  }),
  legalHold: route({
    method: "get", path: "/students/:id/legal-hold", tag: "retention", access: "coordinator", scope: student(),
    summary: "Whether a legal hold stops the purge of this student",
    params: byId,
    response: legalHold,
  }),
  setLegalHold: route({
    method: "put", path: "/students/:id/legal-hold", tag: "retention", access: "coordinator", scope: student(),
    summary: "Set or lift a legal hold (stops the retention purge of this student)",
    params: byId, body: legalHoldInput,
    response: legalHold,
  }),
  views: route({
    method: "get", path: "/students/:id/views", tag: "retention", access: "coordinator", scope: student(),
    summary: "Who viewed this student's register or export, and when",
    params: byId,
    response: viewsResponse,
  }),

  // the parents' page and the follow-up of consent requests (issue 17)
  parentPage: route({
    method: "get", path: "/parents/:token", tag: "portal", access: "anonymous", scope: { from: "none" },
    summary: "The parents' page of one consent request (personal signed link; no account): the information text and the answer form",
    params: parentPageParams, query: parentPageQuery, produces: "html",
    response: z.string(),
  }),
  parentAnswer: route({
    method: "post", path: "/parents/:token", tag: "portal", access: "anonymous", scope: { from: "none" }, status: 200,
    summary: "A parent's answer on the parents' page: give, refuse or withdraw consent (recorded with method portal)",
    params: parentPageParams, query: parentPageQuery, body: parentAnswerForm, bodyType: "form", produces: "html",
    response: z.string(),
  }),
  recordReply: route({
    method: "post", path: "/consent-requests/:id/reply", tag: "portal", access: "coordinator", scope: { from: "param", name: "id", via: "consent-request" },
    summary: "Record a parent's reply mail to a consent request: student, party, purpose and text shown come from the request",
    params: byId, body: replyRecordRequest,
    response: consentEvent,
  }),
  openRequests: route({
    method: "get", path: "/consent-requests", tag: "portal", access: "coordinator", scope: { from: "own-schools" },
    summary: "The consent requests and where each stands: sent, opened, answered, expired; only those about students of the caller's schools",
    query: openRequestsQuery,
    response: openRequestsResponse,
  }),
  // reminders of unanswered requests (issue 17 item 2): the coordinator sends the due ones, as the request was sent
  remindConsentRequest: route({
    method: "post", path: "/consent-requests/:id/remind", tag: "portal", access: "coordinator", scope: { from: "param", name: "id", via: "consent-request" }, status: 200,
    summary: "Send a reminder for each letter of a request that is due (policy reminderAfterDays / maxReminders) from the coordinator's mailbox, and count it",
    params: byId,
    response: remindResult,
  }),
  // reminders due in the caller's schools, and "Alle herinneringen sturen" (issue 17 item 2, helper g17rem)
  remindersDue: route({
    method: "get", path: "/consent-reminders", tag: "portal", access: "coordinator", scope: { from: "own-schools" },
    summary: "How many reminders are due in the caller's schools (policy reminderAfterDays / maxReminders), and at how many schools a coordinator sends them (autoReminders off)",
    response: remindersDue,
  }),
  remindDue: route({
    method: "post", path: "/consent-reminders", tag: "portal", access: "coordinator", scope: { from: "own-schools" }, status: 200,
    summary: "Send every reminder due in the caller's schools from the coordinator's own mailbox, each at most once (claimed with the request's ETag)",
    response: remindDueResult,
  }),
  renewalPreview: route({
    method: "get", path: "/renewals", tag: "portal", access: "coordinator", scope: { from: "tenant" },
    summary: "A renewal round's preview: the valid consents that end at this school year's end",
    query: renewalQuery,
    response: renewalPreview,
  }),
  renewalRound: route({
    method: "post", path: "/renewals", tag: "portal", access: "coordinator", scope: { from: "body", field: "items[].studentId", via: "student" }, status: 200,
    summary: "Ask the chosen consents again in one go: one request each (with its parents'-page links), sent when asked",
    body: renewalRequest,
    response: renewalResult,
  }),
  // documents for parents (issue 17 item 7): PDF made on the server, Dutch unless ?lang=en
  accessLetter: route({
    method: "get", path: "/students/:id/export.pdf", tag: "documents", access: "coordinator", scope: student(), produces: "pdf",
    summary: "The parents' access export as a letter (PDF): board and school, addressee, date, the disclosure log as a table, evidence details in an appendix",
    params: byId, query: documentQuery,
    response: pdfBytes,
  }),
  classOverview: route({
    method: "get", path: "/register/class.pdf", tag: "documents", access: "coordinator", scope: { from: "query", field: "schoolId", via: "school" }, produces: "pdf",
    summary: "A printable overview of one class: students x the state of consent per party and purpose (PDF)",
    query: classOverviewQuery,
    response: pdfBytes,
  }),
  consentForm: route({
    method: "get", path: "/consent-requests/:id/form.pdf", tag: "documents", access: "coordinator", scope: { from: "param", name: "id", via: "consent-request" }, produces: "pdf",
    summary: "A consent request on paper (PDF, in the request's language): one form per letter, with the same text as the request mail and boxes to tick and sign",
    params: byId,
    response: pdfBytes,
  }),
  // accountability: the administrative log and four eyes on destruction (issue 16)
  adminLog: route({
    method: "get", path: "/admin-log", tag: "accountability", access: "coordinator", scope: { from: "own-schools" },
    summary: "The administrative log (imports, directory and policy changes, holds, purges, overrides, exports, approvals), newest first, with its chain verified",
    query: adminLogQuery,
    response: adminLogResponse,
  }),
  auditStatus: route({
    method: "get", path: "/audit/status", tag: "accountability", access: "any", scope: { from: "none" },
    summary: "The outcome of the last audit of the register (ok, failed with counts per kind, or not checked yet): one row, asked by the tab at load",
    response: auditStatusResponse,
  }),
  bulkViews: route({
    method: "get", path: "/audit/views", tag: "accountability", access: "coordinator", scope: { from: "own-schools" },
    summary: "Bulk reads (student lists, the overview, statistics): who, when, how many students",
    response: bulkViewsResponse,
  }),
  approvals: route({
    method: "get", path: "/approvals", tag: "accountability", access: "coordinator", scope: { from: "own-schools" },
    summary: "Proposals of destructive actions and their decisions, newest first",
    response: approvalsResponse,
  }),
  propose: route({
    method: "post", path: "/approvals", tag: "accountability", access: "coordinator", scope: { from: "body", field: "schoolId", via: "school" },
    summary: "Propose a retention change below the current value, a purge or a restore of a stored backup; a second person approves it",
    body: proposalInput,
    response: approvalRecord,
  }),
  approve: route({
    method: "post", path: "/approvals/:id/approve", tag: "accountability", access: "coordinator", scope: { from: "param", name: "id", via: "approval" }, status: 200,
    summary: "Approve another person's proposal (another coordinator of the school or the privacy officer); it is carried out at once",
    params: byId, body: decisionInput,
    response: approvalRecord,
  }),
  reject: route({
    method: "post", path: "/approvals/:id/reject", tag: "accountability", access: "coordinator", scope: { from: "param", name: "id", via: "approval" }, status: 200,
    summary: "Reject another person's proposal",
    params: byId, body: decisionInput,
    response: approvalRecord,
  }),
  // backups: a restore is proposed with POST /approvals {kind: "restore", backup} and runs when a second person approves (issue 16)
  backups: route({
    method: "get", path: "/backups", tag: "accountability", access: "coordinator", scope: { from: "tenant" },
    summary: "The stored (encrypted) backups of this tenant a restore may name, newest first (from their headers)",
    response: backupsResponse,
  }),
  // onboarding in the tab (issue 17, item 4): a guardian's addresses corrected by the school
  putGuardian: route({
    method: "put", path: "/students/:id/guardians/:guardianId", tag: "directory", access: "coordinator", scope: student(),
    summary: "Correct a guardian's name, email addresses and relation (parental authority is confirmed apart)",
    params: z.object({ id, guardianId: id }).strict(), body: guardianContactInput,
    response: studentSummary,
  }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
