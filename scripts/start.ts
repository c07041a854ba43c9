/**
 * `npm start`: builds the front ends, starts the embedded Azurite (data kept in ./data), the backend
 * with the demo school, and serves the tab, the add-in pages and the playground.
 */
import { loadConfig, ConfigError } from "../server/config.js";
import { startServer } from "../server/main.js";
import { buildAll } from "./build.js";

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
  await buildAll({ quiet: true });
  let tls: { key: string; cert: string } | undefined;
  if (config.HTTPS) {
    const { ensureDevCert } = await import("./dev-cert.js");
    tls = await ensureDevCert();
  }
  const running = await startServer(config, tls ? { tls } : {});
  const u = running.url;
  const lines = [
    ``,
    `Zorgvuldig is running (${((Date.now() - t0) / 1000).toFixed(1)} s) in ${config.devMode ? "dev mode (demo school, dev tokens)" : "Entra ID mode"}.`,
    ``,
    `  Playground (simulated Outlook):  ${u}/playground/`,
    `  Teams tab in the browser:        ${u}/tab/`,
    `  Add-in task pane:                ${u}/addin/taskpane.html`,
    `  API (OpenAPI):                   ${u}/api/openapi.json`,
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
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
  console.error("Zorgvuldig could not start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
