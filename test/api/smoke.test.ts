import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";

describe("API smoke", function () {
  const stack = useStack();

  it("When the demo school is seeded, then a check of a mail about Jan de Vries to the GGD is allowed", async () => {
    const r = await stack.api<{ verdict: string; students: { id: string }[]; message: string }>("POST", "/api/check", {
      to: ["jgz@ggd-voorbeeldregio.example"],
      subject: "Verslag Jan de Vries",
      body: "Hierbij het verslag.",
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.verdict, "allow");
  });
});
