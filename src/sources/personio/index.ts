/** Personio v1 source: client, mapping, simulator, company generator and mutator. */
export { createPersonioClient, WRITABLE_FIELDS } from './client.js';
export type { PersonioClient, PersonioClientDeps, PersonioLogger } from './client.js';
export { PersonioError, isPersonioError } from './errors.js';
export type { PersonioErrorCode } from './errors.js';
export { mapEmployee, mapEmployees, normaliseName, BIRTH_NAME_ALIAS } from './mapping.js';
export type { MapResult } from './mapping.js';
export { generateCompany } from './generator.js';
export type { GenerateOptions } from './generator.js';
export { mutateCompany } from './mutator.js';
export type { ChangeCounts, ChangeKind, CompanyChange, MutableCompany } from './mutator.js';
export { createRng, toRng } from './prng.js';
export type { Rng } from './prng.js';
export type { RawAttribute, RawEmployee } from './raw.js';
export { startPersonioSimulator } from './simulator/index.js';
export type { PersonioSimulator, PersonioSimulatorOptions, SimFaults, SimRequest } from './simulator/index.js';
export { fixtureEmployees } from './simulator/index.js';
export type { SimCompany } from './simulator/index.js';
