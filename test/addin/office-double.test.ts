/**
 * The project's one Office.js double (src/shared/office-double.ts) answers as Office.js documents it:
 * asynchronously, with AsyncResult objects, EmailAddressDetails with recipientType, internet headers,
 * session data and roaming settings.
 */
import assert from "node:assert/strict";
import { OfficeDouble } from "../../src/shared/office-double.js";

type Result<T> = { status: string; value: T; error?: { message: string; code: number }; asyncContext?: unknown };
type Cb<T> = (r: Result<T>) => void;

interface ComposeItem {
  to: { getAsync(a: unknown, b?: unknown): void };
  body: { getAsync(coercion: string, cb: Cb<string>): void };
  internetHeaders: {
    setAsync(h: Record<string, string>, cb: Cb<void>): void;
    getAsync(names: string[], cb: Cb<Record<string, string>>): void;
    removeAsync(names: string[], cb: Cb<void>): void;
  };
  sessionData: { setAsync(k: string, v: string, cb: Cb<void>): void; getAsync(k: string, cb: Cb<string>): void };
}

const call = <T>(f: (cb: Cb<T>) => void): Promise<Result<T>> => new Promise((resolve) => f(resolve));

describe("Office.js double (src/shared/office-double.ts)", () => {
  it("When an item's value is asked, then the callback comes later, never during the call", async () => {
    const d = new OfficeDouble();
    d.compose({ subject: "S" });
    const item = d.office.context.mailbox.item as ComposeItem;
    let answered = false;
    const p = call<string>((cb) => item.body.getAsync("text", (r) => ((answered = true), cb(r))));
    assert.equal(answered, false);
    assert.equal((await p).status, "succeeded");
  });

  it("When recipients are read, then they are EmailAddressDetails with recipientType user inside the user's domain and externalUser outside, and asyncContext comes back", async () => {
    const d = new OfficeDouble({ userEmail: "ib@school.example" });
    d.compose({ to: ["juf@school.example", "jgz@ggd.example"] });
    const item = d.office.context.mailbox.item as ComposeItem;
    const r = await call<{ emailAddress: string; displayName: string; recipientType: string }[]>((cb) => item.to.getAsync({ asyncContext: 7 }, cb));
    assert.equal(r.status, "succeeded");
    assert.equal(r.asyncContext, 7);
    assert.deepEqual(r.value, [
      { emailAddress: "juf@school.example", displayName: "juf@school.example", recipientType: "user" },
      { emailAddress: "jgz@ggd.example", displayName: "jgz@ggd.example", recipientType: "externalUser" },
    ]);
  });

  it("When a call is told to fail, then it answers status failed with an Office error, and other calls still succeed", async () => {
    const d = new OfficeDouble();
    d.compose({ to: ["a@b.example"], body: "x" });
    d.fail("body.getAsync", "The item was deleted");
    const item = d.office.context.mailbox.item as ComposeItem;
    const r = await call<string>((cb) => item.body.getAsync("text", cb));
    assert.equal(r.status, "failed");
    assert.equal(r.error?.message, "The item was deleted");
    assert.equal(typeof r.error?.code, "number");
    assert.equal((await call((cb) => item.to.getAsync(cb))).status, "succeeded");
  });

  it("When internet headers and session data are set, then they read back (headers case-insensitively) and a new message starts empty", async () => {
    const d = new OfficeDouble();
    d.compose({});
    const item = d.office.context.mailbox.item as ComposeItem;
    await call<void>((cb) => item.internetHeaders.setAsync({ "X-Zorgvuldig-Check": "chk_1" }, cb));
    await call<void>((cb) => item.sessionData.setAsync("k", "v", cb));
    assert.deepEqual((await call<Record<string, string>>((cb) => item.internetHeaders.getAsync(["x-zorgvuldig-check", "x-other"], cb))).value, { "x-zorgvuldig-check": "chk_1" });
    assert.equal((await call<string>((cb) => item.sessionData.getAsync("k", cb))).value, "v");
    await call<void>((cb) => item.internetHeaders.removeAsync(["X-Zorgvuldig-Check"], cb));
    assert.equal(d.internetHeaders.size, 0);
    d.compose({});
    assert.equal((await call<string>((cb) => item.sessionData.getAsync("k", cb))).value, "");
  });

  it("When roaming settings are saved, then saveAsync answers succeeded and is counted", async () => {
    const d = new OfficeDouble({ roaming: { a: 1 } });
    const rs = d.office.context.roamingSettings;
    rs.set("b", 2);
    rs.remove("a");
    const r = await call<void>((cb) => rs.saveAsync(cb as never));
    assert.equal(r.status, "succeeded");
    assert.equal(d.saves, 1);
    assert.deepEqual(d.roaming, { b: 2 });
  });
});
