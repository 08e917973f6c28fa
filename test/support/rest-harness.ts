/**
 * The REST webhook connector against a fresh {@link startRestReceiver}: a target config declaring requests per
 * action, and an independent reader of the receiver's store for the conformance suite.
 */
import { randomBytes } from 'node:crypto';
import type { AttrValue } from '../../src/core/model.js';
import { targetGuard } from '../../src/config/schema.js';
import type { TargetConfig } from '../../src/config/schema.js';
import type { ConformanceHarness, InspectedAccount } from '../../src/targets/conformance/index.js';
import { createTarget } from '../../src/targets/registry.js';
import { startRestReceiver } from './rest-receiver.js';
import type { RestReceiver } from './rest-receiver.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** The attributes the harness maps (item fields of the receiver). */
export const REST_ATTRIBUTES = ['userName', 'displayName', 'email', 'title', 'department', 'manager'];

/** Harness variants: which optional requests are declared and how the listing pages. */
export interface RestHarnessOptions {
  /** Declare enable/disable and grant/revoke (default true). */
  readonly full?: boolean;
  /** Page by the `next` link instead of offset/limit, and look people up with a `find` URL. */
  readonly nextLink?: boolean;
  readonly pageSize?: number;
}

/** A validated target block for the receiver. */
export function restTargetConfig(r: RestReceiver, secret: string, o: RestHarnessOptions = {}): TargetConfig {
  const full = o.full ?? true;
  const pageSize = o.pageSize ?? 25;
  return targetGuard.parse({
    type: 'rest',
    options: {
      baseUrl: r.url, secret,
      list: o.nextLink
        ? { url: `/users?cursor=0&limit=${pageSize}`, itemsPath: 'items', nextPath: 'next' }
        : { url: '/users', itemsPath: 'items', pageSize },
      ...(o.nextLink ? { find: { url: '/users?{{ attribute }}={{ value }}' } } : {}),
      actions: {
        create: { method: 'POST', url: '/users', body: '{{ account }}', status: [201] },
        update: { method: 'PATCH', url: '/users/{{ anchor }}', body: '{{ attributes }}' },
        delete: { method: 'DELETE', url: '/users/{{ anchor }}' },
        ...(full ? {
          enable: { method: 'PATCH', url: '/users/{{ anchor }}', body: { enabled: true } },
          disable: { method: 'PATCH', url: '/users/{{ anchor }}', body: { enabled: false } },
          grant: { method: 'PUT', url: '/users/{{ anchor }}/entitlements/{{ entitlement }}' },
          revoke: { method: 'DELETE', url: '/users/{{ anchor }}/entitlements/{{ entitlement }}' },
        } : {}),
      },
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    },
    attributes: Object.fromEntries(REST_ATTRIBUTES.map((a) => [a, '{{ x }}'])),
    identifiers: { username: ['userName'], email: ['email'] },
  });
}

const str = (v: unknown): AttrValue => (typeof v === 'string' ? v : null);

/** The receiver's account as the harness's attributes, read by hand. */
export function inspectAccount(u: Record<string, unknown>): InspectedAccount {
  const attributes: Record<string, AttrValue> = Object.fromEntries([...REST_ATTRIBUTES, 'externalId'].map((a) => [a, str(u[a])]));
  const entitlements = Array.isArray(u.entitlements) ? u.entitlements.filter((e): e is string => typeof e === 'string') : [];
  return { enabled: u.enabled !== false, attributes, entitlements };
}

/** A conformance harness on a fresh receiver. */
export async function restHarness(o: RestHarnessOptions = {}): Promise<ConformanceHarness & { receiver: RestReceiver }> {
  const secret = randomBytes(24).toString('hex');
  const receiver = await startRestReceiver(secret);
  const target = restTargetConfig(receiver, secret, o);
  // Through the registry, so `type: rest` is known the way cadre.yaml names it.
  const connector = await createTarget('hooks', target, { log: silent });
  return {
    receiver, connector,
    referenceAttribute: 'manager',
    identifierAttributes: ['userName', 'email'],
    sample(i, variant) {
      const surname = variant === 'renamed' ? `Renamed${i}` : `Tester${i}`;
      const login = `rhea.${surname.toLowerCase()}`;
      return {
        personId: `r${i}`,
        attributes: {
          userName: login, displayName: `Rhea ${surname}`, email: `${login}@example.com`,
          title: variant === 'updated' ? 'Engineer' : 'Account Manager',
          department: variant === 'updated' ? 'Engineering' : 'Sales',
        },
        entitlements: ['Conf Sales', 'Conf Engineering'],
      };
    },
    inspect: async (anchor) => {
      const u = receiver.accounts.get(anchor);
      return u ? inspectAccount(u) : undefined;
    },
    cleanup: () => receiver.close(),
  };
}
