import { writeFileSync } from "node:fs";
import { accessLetterPdf } from "../server/documents/access-letter.ts";
// reuse the test's export by importing test module is heavy; quick copy:
const mod = await import("/tmp/e17doc/scratch/smoke.mts").catch(() => undefined);
