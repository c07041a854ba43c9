import { z } from "zod";
import type { ApiBuilder } from "../shared/http.js";
import { AppError } from "../shared/errors.js";
import { id } from "../shared/schemas.js";
import { ageOn, fullName, holdsAuthority, type Student } from "./domain.js";
import type { DirectoryService } from "./service.js";
import { authorityConfirmation, importRequest, importResult, partyInput, policyInput, purposeInput, studentQuery, type StudentSummary } from "./schemas.js";

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
    })),
  };
}

function sameId(pathId: string | undefined, bodyId: string): void {
  if (pathId !== bodyId) throw new AppError(400, "VALIDATION_FAILED", "The id in the path and in the body differ", [{ path: "body.id", message: "must equal the path id" }]);
}

export function directoryRoutes(api: ApiBuilder, dir: DirectoryService, importBodyLimit: string): void {
  api.add({
    method: "post",
    path: "/import",
    tag: "directory",
    summary: "Idempotent bulk upsert of schools, students with guardians, parties, purposes and policies",
    role: "coordinator",
    body: importRequest,
    response: importResult,
    status: 200,
    bodyLimit: importBodyLimit,
    handler: ({ principal, body }) => dir.import(principal.tenantId, body),
  });
  api.add({
    method: "get",
    path: "/schools",
    tag: "directory",
    summary: "The schools of the tenant",
    role: "viewer",
    handler: async ({ principal }) => ({ schools: (await dir.snapshot(principal.tenantId)).directory.schools }),
  });
  api.add({
    method: "get",
    path: "/students",
    tag: "directory",
    summary: "Search students by name or student number",
    role: "viewer",
    query: studentQuery,
    handler: async ({ principal, query }) => ({
      students: (await dir.search(principal.tenantId, query.query, query.schoolId, query.limit)).map(summary),
    }),
  });
  api.add({
    method: "get",
    path: "/students/:id",
    tag: "directory",
    summary: "One student with their guardians",
    role: "viewer",
    handler: async ({ principal, params }) => summary(await dir.student(principal.tenantId, id.parse(params.id))),
  });
  api.add({
    method: "put",
    path: "/students/:id/guardians/:guardianId/authority",
    tag: "directory",
    summary: "Confirm (or correct) a parent's parental authority: the parents' declaration or a gezagsregister extract",
    role: "coordinator",
    body: authorityConfirmation,
    handler: async ({ principal, body, params }) =>
      summary(await dir.confirmAuthority(principal, id.parse(params.id), id.parse(params.guardianId), body)),
  });
  api.add({
    method: "get",
    path: "/guardians/lookup",
    tag: "directory",
    summary: "Which students a sender's email address is a guardian of",
    role: "coordinator",
    query: z.object({ email: z.string().trim().toLowerCase().min(3).max(320) }).strict(),
    handler: async ({ principal, query }) => {
      const snap = await dir.snapshot(principal.tenantId);
      const now = new Date();
      return {
        matches: (snap.guardiansByEmail.get(query.email) ?? []).map(({ student, guardian }) => ({
          studentId: student.id,
          studentName: fullName(student),
          guardianId: guardian.id,
          guardianName: guardian.name,
          hasAuthority: holdsAuthority(guardian, student, now),
          studentAge: ageOn(student.birthDate, now),
        })),
      };
    },
  });
  api.add({
    method: "get",
    path: "/parties",
    tag: "directory",
    summary: "The party directory",
    role: "viewer",
    handler: async ({ principal }) => ({ parties: (await dir.snapshot(principal.tenantId)).directory.parties }),
  });
  api.add({
    method: "put",
    path: "/parties/:id",
    tag: "directory",
    summary: "Add or change a party",
    role: "coordinator",
    body: partyInput,
    handler: ({ principal, body, params }) => {
      sameId(params.id, body.id);
      return dir.putParty(principal.tenantId, body);
    },
  });
  api.add({
    method: "get",
    path: "/purposes",
    tag: "directory",
    summary: "The purposes consent is asked for",
    role: "viewer",
    handler: async ({ principal }) => ({ purposes: (await dir.snapshot(principal.tenantId)).directory.purposes }),
  });
  api.add({
    method: "put",
    path: "/purposes/:id",
    tag: "directory",
    summary: "Add or change a purpose",
    role: "coordinator",
    body: purposeInput,
    handler: ({ principal, body, params }) => {
      sameId(params.id, body.id);
      return dir.putPurpose(principal.tenantId, body);
    },
  });
  api.add({
    method: "get",
    path: "/policies/:schoolId",
    tag: "directory",
    summary: "A school's policy (defaults of DOMAIN.md when never set)",
    role: "viewer",
    handler: ({ principal, params }) => dir.policy(principal.tenantId, id.parse(params.schoolId)),
  });
  api.add({
    method: "put",
    path: "/policies/:schoolId",
    tag: "directory",
    summary: "Change a school's policy",
    role: "coordinator",
    body: policyInput,
    handler: ({ principal, body, params }) => {
      if (params.schoolId !== body.schoolId)
        throw new AppError(400, "VALIDATION_FAILED", "The school in the path and in the body differ", [{ path: "body.schoolId", message: "must equal the path" }]);
      return dir.putPolicy(principal.tenantId, body);
    },
  });
}
