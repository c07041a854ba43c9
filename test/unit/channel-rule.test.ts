import assert from "node:assert/strict";
import { agreedChannelRule, channelKind } from "../../server/sendcheck/channel-rule.js";

describe("The agreed channel rule (server/sendcheck/channel-rule.ts)", () => {
  it("[R-CHANNEL] When the directory names a channel, then none or plain email reads as email, encrypted or secure mail as encrypted mail, anything else as another channel", () => {
    for (const c of [undefined, "", "  ", "e-mail", "E-mail", "mail", "email", "gewone e-mail", "plain email", "e-mailadres"]) assert.equal(channelKind(c), "email", String(c));
    for (const c of ["versleutelde mail", "Versleutelde e-mail", "encrypted email", "beveiligde mail", "secure e-mail", "Mail, versleuteld"])
      assert.equal(channelKind(c), "encrypted-mail", c);
    for (const c of ["beveiligd portaal", "beveiligd kanaal van de inspectie", "secure portal", "post", "telefoon"]) assert.equal(channelKind(c), "other", c);
  });

  it("[R-CHANNEL-ENCRYPTED] When the school's label for encrypted mail is applied, then only an encrypted-mail channel is satisfied", () => {
    const portal = { name: "Inspectie", agreedChannel: "beveiligd portaal" };
    const encrypted = { name: "Praktijk", agreedChannel: "versleutelde mail" };
    assert.deepEqual(agreedChannelRule({ name: "GGD" }, false), []);
    assert.deepEqual(agreedChannelRule(encrypted, true), []);
    assert.deepEqual(agreedChannelRule(encrypted, false).map((f) => [f.verdict, f.code, f.params.encryptable]), [["warn", "AGREED_CHANNEL", true]]);
    assert.deepEqual(agreedChannelRule(portal, true).map((f) => [f.code, f.params.channel, f.params.encryptable]), [["AGREED_CHANNEL", "beveiligd portaal", false]]);
  });
});
