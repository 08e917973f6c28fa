/** Microsoft Graph / Entra ID simulator (see server.ts). */
export { startGraphSimulator } from './server.js';
export type { GraphSimulator, GraphSimulatorOptions, SimLogEntry } from './server.js';
export { Tenant, RETENTION_MS } from './tenant.js';
export type { SimUser, SimGroup, SimSku } from './tenant.js';
export { selfSignedCertificate } from './tls.js';
export type { SimCertificate } from './tls.js';
