/**
 * The documents for parents as PDF (issue 17 item 7): the access export as a letter, a class overview
 * and the paper consent form. Each is made from what the server already has (the access export, the
 * register's rows, the stored consent request); nothing is computed twice.
 */
import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import { notFound } from "../shared/errors.js";
import type { DirectoryService } from "../directory/service.js";
import type { RegisterService } from "../register/service.js";
import type { ConsentRequestService } from "../register/requests.js";
import type { ViewLog } from "../accountability/views.js";
import { loadAccessExport, type ExportSources } from "../register/export.js";
import { accessLetterPdf, addresseesOf } from "./access-letter.js";
import { classOverviewPdf } from "./class-overview.js";
import { consentFormPdf } from "./consent-form.js";

/** A class has at most this many students on one overview. */
const CLASS_LIMIT = 500;

export function documentRoutes(
  api: ApiBuilder,
  deps: ExportSources & { directory: DirectoryService; register: RegisterService; requests: ConsentRequestService; views: ViewLog },
): void {
  const { directory, register, requests, views } = deps;
  api.implement(routes.accessLetter, async ({ principal, params, query }) => {
    const doc = await loadAccessExport(deps, principal.tenantId, params.id, query.lang ?? "nl");
    // The addresses come from the directory: the export (also answered as JSON) leaves them out.
    const student = await directory.student(principal.tenantId, params.id);
    return accessLetterPdf(doc, query.lang ?? "nl", new Date(doc.generatedAt), addresseesOf(student.guardians));
  });
  api.implement(routes.classOverview, async ({ principal, query, schools }) => {
    const snap = await directory.snapshot(principal.tenantId);
    const school = snap.directory.schools.find((s) => s.id === query.schoolId);
    if (!school) throw notFound("School");
    const page = await register.rows(
      principal.tenantId,
      { schoolId: school.id, className: query.className, sort: "name", dir: "asc", offset: 0, limit: CLASS_LIMIT },
      schools,
    );
    const pdf = await classOverviewPdf(
      {
        school: { name: school.name, ...(school.boardName ? { board: school.boardName } : {}) },
        className: query.className,
        rows: page.rows,
        partyName: (id) => snap.partyById.get(id)?.name ?? id,
        purposeLabel: (id) => snap.purposeById.get(id)?.label ?? id,
      },
      query.lang ?? "nl",
    );
    // Many students' consents on one sheet: a bulk read, recorded in the view log before the sheet goes
    // out (if the record cannot be stored, the answer is an error and no sheet leaves).
    await views.recordBulk(principal.tenantId, {
      by: principal.userId,
      at: new Date().toISOString(),
      what: "class-overview",
      count: page.rows.length,
      schools: [school.id],
      className: query.className,
    });
    return pdf;
  });
  api.implement(routes.consentForm, async ({ principal, params }) => {
    const rec = await requests.get(principal, params.id);
    const snap = await directory.snapshot(principal.tenantId);
    const student = snap.studentById.get(rec.studentId);
    const school = snap.directory.schools.find((s) => s.id === student?.schoolId);
    return consentFormPdf(rec, { board: school?.boardName ?? school?.name ?? "", ...(school ? { school: school.name, brin: school.brin } : {}) });
  });
}
