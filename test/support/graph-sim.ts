/** The local Graph simulation lives with the dev tools (npm start runs it too): scripts/dev/graph-sim.ts. */
export * from "../../scripts/dev/graph-sim.js";
