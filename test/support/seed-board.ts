/**
 * A board of many students for the browser tests at board scale, written fast: in batches straight
 * through the directory repository (transactions of 100 per partition), then the server's cached
 * directory is dropped so it reads them. The API import of 30,000 students takes minutes on Azurite.
 */
import { DirectoryRepository } from "../../server/directory/repository.js";
import type { Student } from "../../server/directory/domain.js";
import type { Stack } from "./stack.js";

const GIVEN = ["Noor", "Sem", "Zoë", "Daan", "Lotte", "Finn", "Emma", "Lucas", "Julia", "Milan", "Sara", "Levi"];
const FAMILY: [string | undefined, string][] = [[undefined, "Jansen"], ["van den", "Berg"], ["de", "Vries"], [undefined, "Bakker"], ["van", "Dijk"], [undefined, "Visser"], [undefined, "Smit"], ["de", "Boer"]];

/** Student i of the board: "Leerling<i>" names keep every student findable by a unique name. */
export function boardStudent(i: number, schoolId: string): Student {
  const [particle, family] = FAMILY[i % FAMILY.length] ?? [undefined, "Jansen"];
  return {
    id: `bord-${String(i).padStart(6, "0")}`,
    schoolId,
    givenName: `${GIVEN[i % GIVEN.length] ?? "Noor"}${i}`,
    ...(particle ? { tussenvoegsel: particle } : {}),
    familyName: family,
    aliases: [],
    studentNumber: String(500_000 + i),
    birthDate: "2015-04-01",
    // 18 classes (groep 3a to 8c), each every 18th student.
    className: `groep ${3 + (i % 6)}${"abc"[Math.floor(i / 6) % 3] ?? "a"}`,
    guardians: [],
  };
}

export async function seedBoard(stack: Stack, tenantId: string, n: number, schools: { id: string; name: string; brin: string }[]): Promise<Student[]> {
  const repo = new DirectoryRepository(stack.running.storage);
  await repo.upsertMany(tenantId, "schools", schools.map((s) => ({ ...s, internalDomains: [] })));
  const students = Array.from({ length: n }, (_, i) => boardStudent(i, schools[i % schools.length]?.id ?? ""));
  await repo.upsertMany(tenantId, "students", students);
  stack.running.services.directory.invalidate(tenantId);
  return students;
}
