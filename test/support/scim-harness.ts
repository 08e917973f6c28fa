/**
 * The SCIM connector against a fresh scimmy server: a target config in SCIM paths (core, a typed email, the
 * enterprise extension) and an independent reader of the server's store for the conformance suite.
 */
import type { AttrValue } from '../../src/core/model.js';
import { targetGuard } from '../../src/config/schema.js';
import type { TargetConfig } from '../../src/config/schema.js';
import type { ConformanceHarness, InspectedAccount } from '../../src/targets/conformance/index.js';
import type { TargetConnector } from '../../src/targets/contract.js';
import { createScimTarget } from '../../src/targets/scim/index.js';
import { startScimServer } from './scim-server.js';
import type { ScimServer, ScimServerOptions } from './scim-server.js';

type Json = Record<string, unknown>;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const WORK_EMAIL = 'emails[type eq "work"].value';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** The attributes the harness maps (names are SCIM paths; the templates do not matter to the connector). */
export const SCIM_ATTRIBUTES = ['userName', 'displayName', 'name.givenName', 'name.familyName', WORK_EMAIL, 'title', 'department', 'costCenter', 'employeeNumber', 'manager'];

/** A validated target block for the SCIM target. */
export function scimTargetConfig(server: ScimServer, extra: Partial<Record<string, unknown>> = {}, options: Json = {}): TargetConfig {
  return targetGuard.parse({
    type: 'scim',
    options: { baseUrl: server.url, auth: { type: 'bearer', token: server.token }, pageSize: 25, ...options },
    attributes: Object.fromEntries(SCIM_ATTRIBUTES.map((a) => [a, '{{ x }}'])),
    identifiers: { username: ['userName'], email: [WORK_EMAIL] },
    ...extra,
  });
}

/** A connector for a target config. */
export async function scimConnector(name: string, target: TargetConfig): Promise<TargetConnector> {
  return createScimTarget(name, target.options, { log: silent }, target);
}

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Json : {});
const str = (v: unknown): AttrValue => (typeof v === 'string' ? v : null);

/** The store's user as the harness's attributes, read by hand (not with the connector's mapping). */
export function inspectUser(u: Json, groups: readonly Json[]): InspectedAccount {
  const name = obj(u.name);
  const ent = obj(u[ENT]);
  const emails = Array.isArray(u.emails) ? u.emails.map(obj) : [];
  const attributes: Record<string, AttrValue> = {
    userName: str(u.userName), displayName: str(u.displayName), 'name.givenName': str(name.givenName), 'name.familyName': str(name.familyName),
    [WORK_EMAIL]: str(emails.find((e) => e.type === 'work')?.value), title: str(u.title),
    department: str(ent.department), costCenter: str(ent.costCenter), employeeNumber: str(ent.employeeNumber), manager: str(obj(ent.manager).value),
    externalId: str(u.externalId),
  };
  const entitlements: string[] = [];
  for (const g of groups) {
    for (const m of Array.isArray(g.members) ? g.members.map(obj) : []) if (m.value === u.id) entitlements.push(String(g.displayName));
  }
  return { enabled: u.active !== false, attributes, entitlements };
}

/** A conformance harness on a fresh server. */
export async function scimHarness(o: ScimServerOptions = {}): Promise<ConformanceHarness & { server: ScimServer }> {
  const server = await startScimServer(o);
  await server.addGroup('Conf Sales');
  await server.addGroup('Conf Engineering');
  const connector = await scimConnector('saas', scimTargetConfig(server));
  return {
    server,
    connector,
    referenceAttribute: 'manager',
    identifierAttributes: ['userName', WORK_EMAIL],
    sample(i, variant) {
      const personId = `c${i}`;
      const surname = variant === 'renamed' ? `Renamed${i}` : `Tester${i}`;
      const login = `conny.${surname.toLowerCase()}`;
      const attributes: Record<string, AttrValue> = {
        userName: `${login}@example.com`, displayName: `Conny ${surname}`, 'name.givenName': 'Conny', 'name.familyName': surname,
        [WORK_EMAIL]: `${login}@example.com`,
        title: variant === 'updated' ? 'Engineer' : 'Account Manager',
        department: variant === 'updated' ? 'Engineering' : 'Sales',
        costCenter: variant === 'updated' ? 'CC-200' : 'CC-100',
        employeeNumber: `E${i}`,
      };
      return { personId, attributes, entitlements: ['Conf Sales', 'Conf Engineering'] };
    },
    async inspect(anchor) {
      const u = await server.user(anchor);
      return u ? inspectUser(u, await server.groups()) : undefined;
    },
    cleanup: () => server.close(),
  };
}
