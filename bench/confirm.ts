/**
 * Confirmation (issue 15): how many Sent Items messages per second the server turns from pending records
 * into disclosure events in the students' chains. A sender makes recording checks (mode send) of 2 KB
 * one-student mails, each mail then leaves with its stamp into the sender's Sent Items in the Graph
 * simulation (the server child's POST /dev/outlook/sent-items), and one sweep (POST /api/sent-items/sweep:
 * the delta query, the header read as the extended property, the append to each chain) confirms them
 * all. Timed is the sweep; messages/s = messages confirmed / its time. Twice: every mail about a different
 * student, and every mail about the same student (one chain appended to again and again).
 */
import { performance } from "node:perf_hooks";
import { partyDomain, partyOfStudent, type BoardStudent } from "./board.js";
import { MailTemplate } from "./checks.js";
import { BOARD_TENANT, SIZES, SMOKE } from "./config.js";
import { fig, log, ms, notes, rate } from "./report.js";
import { call, devToken, pool } from "./server-child.js";

interface SweepReport {
  messages: number;
  confirmed: number;
  disclosures: number;
  review: number;
}

export async function runConfirm(base: string, coord: string, students: BoardStudent[], seeded: number): Promise<void> {
  const active = Math.max(5, Math.min(students.length, seeded));
  const mail = new MailTemplate(2_000, 1);
  const run = Date.now().toString(36);
  const count = SMOKE ? 20 : 400;
  for (const oneStudent of [false, true]) {
    // A sender of its own per case, so that each sweep reads only this case's mails.
    const sender = `verzender${oneStudent ? "1" : "n"}@bestuur`;
    const token = await devToken(base, sender, ["staff"], BOARD_TENANT);
    const added = await call(base, coord, "POST", "/api/sent-items/mailboxes", { mailbox: sender, since: new Date(Date.now() - 60_000).toISOString() });
    if (added.status >= 300) throw new Error(`sent-items mailbox: ${added.status} ${JSON.stringify(added.json)}`);
    const label = `Sent Items sweep of one mailbox, ${count} mails about 1 student, ${oneStudent ? "always the same student" : "different students"}`;
    log(`confirmation: ${count} recording checks and sends (${oneStudent ? "one student" : "different students"})`);
    await pool(
      Array.from({ length: count }, (_, n) => n),
      8,
      async (n) => {
        const i = oneStudent ? 0 : n;
        const to = `zorg@${partyDomain(partyOfStudent(i % active, SIZES.parties))}`;
        const req = JSON.parse(mail.body([students[i % active]?.fullName ?? ""], [to], "Overleg over de begeleiding", `,"mode":"send"`)) as { subject: string; body: string };
        const c = await call<{ stamp?: string }>(base, token, "POST", "/api/check", req, { "idempotency-key": `zv-send-${run}-${sender}-${n}` });
        if (c.status >= 300 || !c.json.stamp) throw new Error(`recording check: ${c.status} ${JSON.stringify(c.json).slice(0, 300)}`);
        const sent = await fetch(`${base}/dev/outlook/sent-items`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ mailbox: sender, to: [to], subject: req.subject, body: req.body, headers: { "x-zorgvuldig-check": c.json.stamp } }),
        });
        if (sent.status !== 201) throw new Error(`simulated send: ${sent.status} ${await sent.text()}`);
      },
    );
    const t = performance.now();
    const sweep = await call<SweepReport>(base, coord, "POST", "/api/sent-items/sweep");
    const took = performance.now() - t;
    if (sweep.status !== 200) throw new Error(`sweep: ${sweep.status} ${JSON.stringify(sweep.json).slice(0, 300)}`);
    const r = sweep.json;
    if (r.confirmed !== count) notes.push(`${label}: ${r.confirmed} of ${count} mails confirmed (${r.review} to review)`);
    fig(
      "Confirmation",
      label,
      `${rate(r.confirmed / (took / 1000))} messages/s appended to chains (${r.confirmed} confirmed, ${r.disclosures} disclosures, ${r.review} to review, sweep ${ms(took)})`,
    );
  }
}
