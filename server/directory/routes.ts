import { routes, type StudentSummary } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import { AppError } from "../shared/errors.js";
import { mayAccessSchool } from "../identity/auth.js";
import { ageOn, fullName, holdsAuthority, type Student } from "./domain.js";
import type { DirectoryService } from "./service.js";

export function summary(s: Student): StudentSummary {
  return {
    id: s.id,
    name: fullName(s),
    givenName: s.givenName,
    ...(s.tussenvoegsel ? { tussenvoegsel: s.tussenvoegsel } : {}),
    familyName: s.familyName,
    studentNumber: s.studentNumber,
    schoolId: s.schoolId,
    className: s.className,
    birthDate: s.birthDate,
    ...(s.leftDate ? { leftDate: s.leftDate } : {}),
    guardians: s.guardians.map((g) => ({
      id: g.id,
      name: g.name,
      emails: g.emails,
      relation: g.relation,
      hasAuthority: g.hasAuthority,
      authorityConfirmed: g.authorityConfirmed !== false,
      ...(g.address ? { address: g.address } : {}),
    })),
  };
}

function sameId(pathId: string | undefined, bodyId: string): void {
  if (pathId !== bodyId) throw new AppError(400, "VALIDATION_FAILED", "The id in the path and in the body differ", [{ path: "body.id", message: "must equal the path id" }]);
}

export function directoryRoutes(api: ApiBuilder, dir: DirectoryService, importBodyLimit: string): void {
  api.implement(routes.importDirectory, ({ principal, body }) => dir.import(principal.tenantId, body), { bodyLimit: importBodyLimit });
  api.implement(routes.schools, async ({ principal, schools }) => ({
    schools: (await dir.snapshot(principal.tenantId)).directory.schools.filter((s) => mayAccessSchool(schools, s.id)),
  }));
  api.implement(routes.students, async ({ principal, query, schools }) => ({
    students: (await dir.search(principal.tenantId, query.query, query.schoolId, query.limit, schools, query.sort)).map(summary),
  }));
  api.implement(routes.student, async ({ principal, params }) => summary(await dir.student(principal.tenantId, params.id)));
  api.implement(routes.confirmAuthority, async ({ principal, body, params }) =>
    summary(await dir.confirmAuthority(principal, params.id, params.guardianId, body)),
  );
  api.implement(routes.putGuardian, async ({ principal, body, params }) => summary(await dir.updateGuardian(principal.tenantId, params.id, params.guardianId, body)));
  api.implement(routes.guardianLookup, async ({ principal, query, schools }) => {
    const snap = await dir.snapshot(principal.tenantId);
    const now = new Date();
    return {
      matches: (snap.guardiansByEmail.get(query.email) ?? []).filter(({ student }) => mayAccessSchool(schools, student.schoolId)).map(({ student, guardian }) => ({
        studentId: student.id,
        studentName: fullName(student),
        guardianId: guardian.id,
        guardianName: guardian.name,
        hasAuthority: holdsAuthority(guardian, student, now),
        studentAge: ageOn(student.birthDate, now),
      })),
    };
  });
  api.implement(routes.parties, async ({ principal }) => ({ parties: (await dir.snapshot(principal.tenantId)).directory.parties }));
  api.implement(routes.putParty, ({ principal, body, params }) => {
    sameId(params.id, body.id);
    return dir.putParty(principal.tenantId, body);
  });
  api.implement(routes.purposes, async ({ principal }) => ({ purposes: (await dir.snapshot(principal.tenantId)).directory.purposes }));
  api.implement(routes.putPurpose, ({ principal, body, params }) => {
    sameId(params.id, body.id);
    return dir.putPurpose(principal.tenantId, body);
  });
  api.implement(routes.policy, ({ principal, params }) => dir.policy(principal.tenantId, params.schoolId));
  api.implement(routes.putPolicy, ({ principal, body, params }) => {
    if (params.schoolId !== body.schoolId)
      throw new AppError(400, "VALIDATION_FAILED", "The school in the path and in the body differ", [{ path: "body.schoolId", message: "must equal the path" }]);
    return dir.putPolicy(principal.tenantId, body);
  });
}
