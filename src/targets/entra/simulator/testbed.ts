/**
 * A simulator plus a configured Entra connector, for integration tests, the conformance suite and
 * the benchmark. Not used in production code paths.
 */
import type { TargetConfig } from '../../../config/schema.js';
import type { TargetDeps } from '../../contract.js';
import { createEntraTarget } from '../index.js';
import type { EntraConnector } from '../connector.js';
import { startGraphSimulator } from './server.js';
import type { GraphSimulator, GraphSimulatorOptions } from './server.js';

/** SKU ids used by the testbed. */
export const TEST_SKUS = {
  E3: { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3' },
  F1: { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1' },
} as const;

/** Testbed options. */
export interface TestbedOptions {
  readonly sim?: GraphSimulatorOptions;
  /** Connector options merged over the defaults. */
  readonly options?: Record<string, unknown>;
  /** Groups created in the tenant (displayName). */
  readonly groups?: readonly string[];
  readonly managedEntitlements?: readonly string[];
  readonly seats?: number;
  readonly name?: string;
}

/** A running testbed. */
export interface Testbed {
  readonly sim: GraphSimulator;
  readonly connector: EntraConnector;
  /** displayName → group id. */
  readonly groups: Record<string, string>;
  /** Another connector against the same simulator (e.g. different options). */
  connect(options?: Record<string, unknown>): Promise<EntraConnector>;
  close(): Promise<void>;
}

/** Quiet logger for tests. */
export const quietDeps: TargetDeps = { log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } };

/** Start a simulator with groups and SKUs, and a connector against it. */
export async function startEntraTestbed(o: TestbedOptions = {}): Promise<Testbed> {
  const clientId = '3f1c9a52-0000-4000-8000-00000000c1d1';
  const clientSecret = 'test-only-secret~not-real';
  const seats = o.seats ?? 10_000;
  const sim = await startGraphSimulator({
    port: 0,
    clients: [{ clientId, clientSecret }],
    skus: [
      { ...TEST_SKUS.E3, prepaidUnits: seats, servicePlans: [{ servicePlanName: 'EXCHANGE_S_ENTERPRISE', servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0' }] },
      { ...TEST_SKUS.F1, prepaidUnits: seats },
    ],
    ...o.sim,
  });
  const groups: Record<string, string> = {};
  for (const g of o.groups ?? ['Sales', 'Engineering', 'All Staff']) {
    groups[g] = sim.state.createGroup({ displayName: g, mailNickname: g.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true }).id;
  }
  const name = o.name ?? 'entra';
  const target: TargetConfig = {
    type: 'entra', enabled: true, options: {}, attributes: {}, identifiers: {}, managedEntitlements: [...(o.managedEntitlements ?? Object.keys(groups))],
    createOnly: [], password: true, reenable: 'ifDisabledByCadre', leaver: { removeEntitlements: false, moveToDisabled: false }, exclude: [], privilegedEntitlements: [],
  };
  const connect = async (extra: Record<string, unknown> = {}): Promise<EntraConnector> => {
    const options = {
      tenantId: sim.tenantId, clientId, clientSecret, authorityUrl: sim.url, graphUrl: sim.url,
      licences: { E3: 'SPE_E3', F1: TEST_SKUS.F1.skuId },
      ...o.options, ...extra,
    };
    return await createEntraTarget(name, options, quietDeps, { ...target, options }) as EntraConnector;
  };
  const connector = await connect();
  return {
    sim, connector, groups, connect,
    close: async () => {
      await connector.close();
      await sim.close();
    },
  };
}
