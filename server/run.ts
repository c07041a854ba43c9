/** Production entry point: configuration from the environment, no build, no demo data. */
import { loadConfig, ConfigError } from "./config.js";
import { startServer } from "./main.js";

try {
  const config = loadConfig();
  const running = await startServer(config);
  running.log.info({ url: running.url, devMode: config.devMode }, "listening");
  const stop = (): void => void running.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : "Zorgvuldig could not start");
  process.exit(err instanceof ConfigError ? 2 : 1);
}
