import assert from "node:assert/strict";
import { bodyText, digestOf, sameContent, stampOf, verifyStamp } from "../../server/sendcheck/digest.js";

const KEY = "unit-test-check-stamp-key-0123456789";
const T1 = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const T2 = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";

describe("The check's digest and stamp", () => {
  it("When a stamp is made for a tenant, then it verifies there only, and a changed check id or MAC is refused", () => {
    const stamp = stampOf(KEY, T1, "chk_0123");
    assert.equal(verifyStamp(KEY, T1, stamp), "chk_0123");
    assert.equal(verifyStamp(KEY, T1.toUpperCase(), stamp), "chk_0123", "tenant ids compare case-insensitively");
    assert.equal(verifyStamp(KEY, T2, stamp), undefined, "another tenant");
    assert.equal(verifyStamp("another-key-another-key-another-key", T1, stamp), undefined, "another key");
    const [, mac] = stamp.split(".");
    assert.equal(verifyStamp(KEY, T1, `chk_0124.${mac ?? ""}`), undefined, "another check id");
    assert.equal(verifyStamp(KEY, T1, undefined), undefined);
    assert.equal(verifyStamp(KEY, T1, "nonsense"), undefined);
  });

  it("When the body is HTML, then tags, styles and character references go and the text is what the digest covers", () => {
    assert.equal(bodyText("<html><head><style>p{color:red}</style></head><body><p>Verslag van Zo&euml;&nbsp;Bakker</p></body></html>"), "verslag van zoe bakker");
    assert.equal(digestOf({ recipients: ["A@x.example"], studentIds: ["s1"], attachments: [], body: "<p>Hallo</p>" }).digest, digestOf({ recipients: ["a@x.example"], studentIds: ["s1"], attachments: [], body: "Hallo" }).digest);
  });

  it("When Outlook appends the quoted thread, then the content still matches; a changed word, a glued word or another student does not", () => {
    const checked = digestOf({ recipients: ["jgz@ggd.example"], studentIds: ["s1"], attachments: [{ name: "verslag.pdf" }], body: "Hierbij het verslag." });
    const same = (body: string, studentIds = ["s1"]) => sameContent(checked, { studentIds, attachments: [{ name: "verslag.pdf" }], body });
    assert.equal(same("Hierbij het verslag."), true);
    assert.equal(same("Hierbij het verslag.\r\n\r\nVan: GGD\r\nOnderwerp: RE: verslag\r\n\r\nGraag het verslag."), true);
    assert.equal(same("Hierbij het verslagje."), false, "a glued word is a change");
    assert.equal(same("Hierbij het rapport."), false);
    assert.equal(same("Hierbij het verslag.\r\n\r\nVan: GGD", ["s1", "s2"]), false, "a student in the appended text is a change");
    assert.equal(sameContent(checked, { studentIds: ["s1"], attachments: [{ name: "ander.pdf" }], body: "Hierbij het verslag." }), false);
  });
});
