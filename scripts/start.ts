/**
 * `npm start`: builds the front ends, starts the embedded Azurite (data kept in ./data), the backend
 * with the demo school, and serves the tab, the add-in pages and the playground. In dev mode it also
 * starts the local Graph simulation (scripts/dev/outlook-sim.ts): the playground's sent mail lands in
 * simulated Sent Items and is confirmed by the server's real path (change notification, delta sweep).
 */
import { loadConfig, ConfigError } from "../server/config.js";
import { startServer } from "../server/main.js";
import { DEMO_TENANT } from "../server/demo/seed.js";
import { DEMO_DOMAIN } from "../contract/demo.js";
import { buildAll } from "./build.js";
import type { DevGraph } from "./dev/outlook-sim.js";

async function main(): Promise<void> {
  const t0 = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  let devGraph: DevGraph | undefined;
  if (config.devMode) {
    const { startDevGraph } = await import("./dev/outlook-sim.js");
    devGraph = await startDevGraph({ firstSeq: Date.now() });
    config = loadConfig({ ...devGraph.env, ...process.env, GRAPH_BASE_URL: devGraph.env.GRAPH_BASE_URL ?? "" });
  }
  await buildAll({ quiet: true });
  let tls: { key: string; cert: string } | undefined;
  if (config.HTTPS) {
    const { ensureDevCert } = await import("./dev-cert.js");
    tls = await ensureDevCert();
  }
  const running = await startServer(config, {
    ...(tls ? { tls } : {}),
    ...(devGraph ? { graphAuth: devGraph.graphAuth, devRoutes: devGraph.routes } : {}),
  });
  // The playground's user: their Sent Items are read from now on.
  await devGraph?.connect(running, DEMO_TENANT, [`ib@${DEMO_DOMAIN}`]).catch((err: unknown) => {
    console.error("The Graph simulation could not subscribe to Sent Items (the sweep still runs):", err instanceof Error ? err.message : err);
  });
  const u = running.url;
  const lines = [
    ``,
    `Zorgvuldig is running (${((Date.now() - t0) / 1000).toFixed(1)} s) in ${config.devMode ? "dev mode (demo school, dev tokens)" : "Entra ID mode"}.`,
    ``,
    `  Playground (simulated Outlook):  ${u}/playground/`,
    `  Teams tab in the browser:        ${u}/tab/`,
    `  Add-in task pane:                ${u}/addin/taskpane.html`,
    `  API (OpenAPI):                   ${u}/api/openapi.json`,
    ...(devGraph ? [`  Graph simulation (Sent Items):   ${devGraph.sim.base}`] : []),
    ``,
    config.devMode
      ? `  Dev token: curl -s -X POST ${u}/dev/token -H 'content-type: application/json' -d '{"user":"ib@demo"}'`
      : ``,
    `  Stop with Ctrl+C. Data is kept in ${config.DATA_DIR}/.`,
    ``,
  ];
  console.log(lines.join("\n"));
  const stop = async (): Promise<void> => {
    await running.close();
    await devGraph?.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
  console.error("Zorgvuldig could not start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
