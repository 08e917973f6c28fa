/** Personio v1 simulator: entry point. */
export { startPersonioSimulator, parseForm } from './server.js';
export type { PersonioSimulator, PersonioSimulatorOptions, SimFaults, SimRequest } from './server.js';
export { createSimCompany, fixtureEmployees } from './company.js';
export type { AttributeDef, OrgKind, SimCompany } from './company.js';
