import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { GraphAuth } from "../../server/graph/client.js";
import type { SweepReport } from "../../server/sentitems/service.js";
import { FakeAuthority } from "../identity/support.js";
import { GraphSim, type SimMail, type SimMessage } from "./graph-sim.js";
import { startStack, useStarted, type Stack, type StackOptions } from "./stack.js";
import type { CheckResponse } from "./api-helpers.js";

/**
 * The stack with a Graph simulation behind it (test/support/graph-sim.ts), and the steps of a real send:
 * the on-send handler's recording check, the mail leaving with its stamp, the Sent Items sweep.
 */
export interface SentStack {
  stack: Stack;
  sim: GraphSim;
  /** The mailbox the default test user (ib@demo) sends from. */
  sender: string;
  stop(): Promise<void>;
}

export async function startSentStack(opts: StackOptions = {}, sender = "ib@demo"): Promise<SentStack> {
  const sim = await new GraphSim().start();
  const graphAuth = new GraphAuth({ clientId: randomUUID(), authorityHost: "https://login.microsoftonline.com", clientSecret: "sim-secret", networkClient: new FakeAuthority() });
  const stack = await startStack({ ...opts, graphAuth, env: { ...opts.env, GRAPH_BASE_URL: sim.base } });
  const r = await stack.api("POST", "/api/sent-items/mailboxes", { mailbox: sender, since: "2026-01-01T00:00:00Z" });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return {
    stack,
    sim,
    sender,
    async stop() {
      await stack.stop();
      await sim.close();
    },
  };
}

/**
 * `startSentStack` for a describe block: started in `before`, stopped in `after`. Its members read the
 * started stack, so it can be declared where the tests are and used inside them.
 */
export function useSentStack(opts: StackOptions = {}, sender = "ib@demo"): SentStack {
  const env = useStarted("the Sent Items stack", () => startSentStack(opts, sender));
  return {
    get stack() {
      return env().stack;
    },
    get sim() {
      return env().sim;
    },
    sender,
    stop: () => env().stop(),
  };
}

export interface Mail {
  to: string[];
  cc?: string[];
  subject: string;
  body: string;
  overrideOf?: string;
  purposeId?: string;
}

/** The on-send handler's recording check (mode send, its own Idempotency-Key). */
export async function recordingCheck(stack: Stack, mail: Mail, opts: { key?: string; token?: string } = {}): Promise<CheckResponse> {
  const r = await stack.api<CheckResponse>("POST", "/api/check", { ...mail, mode: "send" }, { headers: { "idempotency-key": opts.key ?? randomUUID() }, ...(opts.token ? { token: opts.token } : {}) });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.ok(r.json.stamp, "a recording check returns the stamp");
  return r.json;
}

/** The mail leaves the sender's mailbox carrying the check's stamp (as the handler set it). */
export function leaves(s: SentStack, mail: Omit<SimMail, "headers"> & { headers?: Record<string, string> }, c?: CheckResponse): SimMessage {
  return s.sim.send(s.sender, { ...mail, headers: { ...mail.headers, ...(c?.stamp ? { "x-zorgvuldig-check": c.stamp } : {}) } });
}

export async function sweep(stack: Stack): Promise<SweepReport> {
  const r = await stack.api<SweepReport>("POST", "/api/sent-items/sweep");
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

/** Check, send as checked, sweep: what a mail sent from Outlook leaves in the register. */
export async function sendAndConfirm(s: SentStack, mail: Mail, sentAt = new Date().toISOString()): Promise<{ check: CheckResponse; message: SimMessage }> {
  const check = await recordingCheck(s.stack, mail);
  const { overrideOf: _o, purposeId: _p, ...content } = mail;
  const message = leaves(s, { ...content, sentAt }, check);
  await sweep(s.stack);
  return { check, message };
}
