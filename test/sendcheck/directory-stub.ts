/**
 * The tenant's directory as the local Graph stub answers it for recipient resolution (issue 14 item 1):
 * users by X500 proxy address, alias (mailNickname) and display name, the sender's own contacts, and
 * groups with their (nested, paged, guest) members or a hidden membership. Shared by the server tests
 * (recipients.test.ts) and the built handlers' tests (test/addin/built-handlers.test.ts).
 */
import { randomUUID } from "node:crypto";
import { sendJson, type GraphRoute } from "../identity/support.js";

export const DN = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=";

/** A GGD nurse present in the tenant as a mail user: found by her X500 proxy address. */
export const X500_GGD = `${DN}1c2ee2e6aada4b35ac22a42017cc6977-jgzverpleegkundige`;
/** A colleague whose DN carries the alias only (no X500 proxy address): found by mailNickname. */
export const X500_COLLEAGUE = `${DN}d37d11828c084e269f71a0287828cda7-mentor7`;
/** A personal contact of the sender: only /me/contacts knows its SMTP address. */
export const X500_CONTACT = `${DN}0a0b0c0d0e0f00112233445566778899-wijkcoach`;
/** Nobody: no proxy address, no alias, no contact. */
export const X500_NOBODY = `${DN}ffffffffffffffffffffffffffffffff-weg`;

const filterOf = (path: string): string => new URL(path, "http://x").searchParams.get("$filter") ?? "";
const pathOf = (path: string): string => new URL(path, "http://x").pathname;

/** The routes of the directory; `graphBase` gives the stub's base URL (for the next-page link). */
export function directoryRoutes(graphBase: () => string): GraphRoute[] {
  return [
    (c, res) => {
      if (c.method !== "GET" || pathOf(c.path) !== "/v1.0/users") return false;
      const f = filterOf(c.path);
      const user = (mail: string, name: string) => ({ id: randomUUID(), mail, displayName: name, proxyAddresses: [`SMTP:${mail}`] });
      if (f === `proxyAddresses/any(x:x eq 'X500:${X500_GGD}')`) return sendJson(res, 200, { value: [user("jgz@ggd-voorbeeldregio.example", "JGZ Verpleegkundige")] });
      if (f === "mailNickname eq 'mentor7'") return sendJson(res, 200, { value: [user("mentor7@regenboog.school.example", "Mentor Groep 7")] });
      if (f === "displayName eq 'Twee Dezelfden'") return sendJson(res, 200, { value: [user("a@regenboog.school.example", "Twee Dezelfden"), user("b@regenboog.school.example", "Twee Dezelfden")] });
      return sendJson(res, 200, { value: [] });
    },
    (c, res) => {
      if (c.method !== "GET" || pathOf(c.path) !== "/v1.0/me/contacts") return false;
      if (filterOf(c.path) === `emailAddresses/any(a:a/address eq '${X500_CONTACT}')`)
        return sendJson(res, 200, {
          value: [{ displayName: "Wijkcoach", emailAddresses: [{ name: "Wijkcoach", address: X500_CONTACT }, { name: "Wijkcoach", address: "coach@wijkteam.voorbeeldstad.example" }] }],
        });
      return sendJson(res, 200, { value: [] });
    },
    (c, res) => {
      if (c.method !== "GET" || pathOf(c.path) !== "/v1.0/groups") return false;
      const f = filterOf(c.path);
      if (f.startsWith("mail eq 'zorgteam@regenboog.school.example'")) return sendJson(res, 200, { value: [{ id: "g-zorgteam", mail: "zorgteam@regenboog.school.example", displayName: "Zorgteam" }] });
      if (f.startsWith("mail eq 'geheim@regenboog.school.example'")) return sendJson(res, 200, { value: [{ id: "g-hidden", mail: "geheim@regenboog.school.example", displayName: "Geheim" }] });
      return sendJson(res, 200, { value: [] });
    },
    (c, res) => {
      const p = pathOf(c.path);
      if (c.method !== "GET" || !p.startsWith("/v1.0/groups/")) return false;
      if (p === "/v1.0/groups/g-hidden/transitiveMembers") return sendJson(res, 403, { error: { code: "Authorization_RequestDenied", message: "hidden membership" } });
      if (p !== "/v1.0/groups/g-zorgteam/transitiveMembers") return false;
      const page2 = new URL(c.path, "http://x").searchParams.get("$skiptoken") === "2";
      return sendJson(
        res,
        200,
        page2
          ? { value: [{ "@odata.type": "#microsoft.graph.user", id: "u3", mail: "dyslexie@letterwijs.example", displayName: "Gast Letterwijs", userType: "Guest" }] }
          : {
              value: [
                { "@odata.type": "#microsoft.graph.user", id: "u1", mail: "ib@regenboog.school.example", displayName: "IB'er" },
                { "@odata.type": "#microsoft.graph.group", id: "g-nested", mail: "sub@regenboog.school.example" },
                { "@odata.type": "#microsoft.graph.user", id: "u2", mail: null, displayName: "Zonder mailbox" },
              ],
              "@odata.nextLink": `${graphBase()}/groups/g-zorgteam/transitiveMembers?$skiptoken=2`,
            },
      );
    },
  ];
}
