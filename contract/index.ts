/**
 * The contract between the server and the front ends: the route table, the schemas of every request
 * and answer with their types, the error codes and the shared enumerations. It imports neither
 * server/ nor src/ (test/architecture/imports.test.ts checks it).
 */
export * from "./enums.js";
export * from "./errors.js";
export * from "./patterns.js";
export * from "./route.js";
export * from "./routes.js";
export * from "./directory.js";
export * from "./register.js";
export * from "./sendcheck.js";
export * from "./sentitems.js";
export * from "./retention.js";
export * from "./identity.js";
export * from "./portal.js";
export * from "./demo.js";
export * from "./admin.js";
