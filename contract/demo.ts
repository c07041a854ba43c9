/** The demo school's facts the server's seed and the playground share (dev mode only). */
export const DEMO_DOMAIN = "regenboog.school.example";
/** Colleagues of the demo school: internal recipients in the playground's address book. */
export const DEMO_COLLEAGUES = [`ib@${DEMO_DOMAIN}`, `directie@${DEMO_DOMAIN}`, `juf.anna@${DEMO_DOMAIN}`, `meester.kees@${DEMO_DOMAIN}`];
