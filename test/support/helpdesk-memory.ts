/**
 * A helpdesk service over a real SQLite store and the in-memory reference target (every helpdesk capability), for
 * the helpdesk-service*.test.ts files: people, forms and protection, a first sync, and helpers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configGuard, type CadreConfig } from '../../src/config/schema.js';
import type { Person } from '../../src/core/model.js';
import { applyPrepared } from '../../src/engine/apply.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createHelpdesk, HelpdeskError, type Helpdesk } from '../../src/engine/helpdesk/index.js';
import { withRunLease } from '../../src/engine/lease.js';
import { preparePlan } from '../../src/engine/planning.js';
import { createMemoryTarget, type MemoryTarget } from '../../src/targets/conformance/memory-target.js';

const person = (id: string, first: string, last: string, over: Partial<Person> = {}): Person => ({
  id, firstName: first, lastName: last, status: 'active', costCenters: [], custom: {}, hireDate: '2020-01-01', department: 'Sales', ...over,
});

export const PEOPLE = [
  person('1', 'Erika', 'Muster'),
  person('2', 'Max', 'Admin', { department: 'IT' }),
  person('3', 'Otto', 'Finanz', { department: 'Finance' }),
  person('4', 'Break', 'Glass'),
  person('5', 'Mia', 'Report', { supervisorId: '6' }),
  person('6', 'Manu', 'Manager'),
];

function configFor(dir: string): CadreConfig {
  return configGuard.parse({
    source: { type: 'personio', baseUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
    store: { driver: 'sqlite', path: join(dir, 'cadre.db') },
    identifiers: { username: { patterns: ['{f}{last}', '{f}{last}{n}'] } },
    targets: {
      mem: {
        type: 'memory',
        attributes: { displayName: '{{ firstName }} {{ lastName }}', department: '{{ department }}', userPrincipalName: '{{ id.username }}@example.com' },
        identifiers: { username: ['sAMAccountName'] },
        managedEntitlements: ['GG-*'],
        exclude: [{ upn: 'gglass@example.com', reason: 'break-glass' }],
      },
    },
    entitlements: [
      { name: 'all', grant: { mem: ['GG-All'] } },
      { name: 'sales', when: { department: 'Sales' }, grant: { mem: ['GG-Sales'] } },
      { name: 'tier0', when: { department: 'IT' }, grant: { mem: ['GG-Tier0'] } },
    ],
    protection: { accounts: [{ upn: 'nobody*@example.com' }], memberOf: ['GG-Tier0'], groups: ['GG-Tier0'] },
    forms: [
      { id: 'reset', type: 'resetPassword', roles: ['helpdesk'], password: { generate: true, allowTyped: true, mustChange: 'ask' } },
      { id: 'reset-generated', type: 'resetPassword', roles: ['helpdesk'], scope: { when: { department: 'Sales' } } },
      { id: 'unlock', type: 'unlock', roles: ['helpdesk', 'manager'] },
      { id: 'edit', type: 'edit', roles: ['helpdesk'], attributes: ['telephoneNumber', 'department'], overrideDays: 10 },
      { id: 'lost-laptop', type: 'disable', roles: ['helpdesk'], maxDays: 30 },
      { id: 'groups', type: 'groups', oidcGroups: ['Group-Admins'], groups: ['GG-VPN', 'GG-Sales'] },
      { id: 'staff-only', type: 'unlock', roles: ['helpdesk'], scope: { containers: ['OU=Staff,DC=ex'] } },
    ],
  });
}

/** A helpdesk principal. */
export const helpdesk = { id: 'alice', role: 'helpdesk' };

/** An audit row, payload as JSON text. */
export interface Row { readonly event: string; readonly actor: string; readonly personId?: string | null; readonly payload: string }

/** The harness. */
export interface HelpdeskHarness {
  readonly dir: string;
  readonly engine: Engine;
  readonly mem: MemoryTarget;
  readonly hd: Helpdesk;
  /** Move the engine's clock. */
  setClock(iso: string): void;
  anchorOf(personId: string): Promise<string>;
  /** A full plan from the store, applied: `person:action[:entitlement|:attributes]` per operation. */
  sync(): Promise<string[]>;
  auditRows(): Promise<Row[]>;
  close(): Promise<void>;
}

/** Asserts a refusal with this code. */
export const refused = (code: string) => (e: unknown): boolean => {
  assert.ok(e instanceof HelpdeskError, String(e));
  assert.equal(e.code, code, e.message);
  assert.equal(e.refused, true);
  return true;
};

/** Open the store, create every account with a first sync, and check it converged. */
export async function openHelpdeskHarness(): Promise<HelpdeskHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-helpdesk-'));
  let clock = new Date('2026-12-02T10:00:00Z');
  const opened = await openEngine(configFor(dir), { storeOnly: true, now: () => clock });
  const mem = createMemoryTarget({ name: 'mem', identifierAttributes: { username: ['sAMAccountName'] } });
  const engine: Engine = { ...opened, targets: new Map([['mem', mem.connector]]) };
  const hd = createHelpdesk(engine, { waitMs: 5000 });
  const sync = async (): Promise<string[]> => withRunLease(engine, { command: 'test' }, async (lease) => {
    const prepared = await preparePlan(engine, { source: { kind: 'store' } });
    await applyPrepared(engine, prepared, { actor: 'test', lease, storePersons: 'none' });
    return prepared.plan.operations.map((o) => `${o.personId}:${o.action}${o.entitlement ? `:${o.entitlement}` : ''}${o.action === 'update' ? `:${o.changes.map((c) => c.attribute).join(',')}` : ''}`);
  });
  await engine.store.persons.replaceAll(PEOPLE);
  const ops = await sync();
  assert.equal(ops.filter((o) => o.endsWith(':create')).length, 6);
  assert.deepEqual(await sync(), [], 'in sync');
  return {
    dir, engine, mem, hd, sync,
    setClock(iso) { clock = new Date(iso); },
    anchorOf: async (personId) => (await engine.store.accounts.byPerson(personId))[0]?.anchor ?? '',
    async auditRows() {
      const rows: Row[] = [];
      for await (const page of engine.store.audit.iterate()) for (const r of page) rows.push({ event: r.event, actor: r.actor, personId: r.personId ?? null, payload: typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload) });
      return rows;
    },
    async close() {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
