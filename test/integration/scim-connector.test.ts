/**
 * The SCIM connector beyond the conformance suite, against the scimmy server (its own process):
 * - through the engine (Personio simulator → plan → apply): enterprise fields and the manager reference round
 *   trip (a second plan is empty), an existing user with the person's externalId is adopted (no duplicate), a
 *   userName taken after planning fails with 409 uniqueness and the next plan moves the person to the next
 *   candidate, the token comes from `env:`;
 * - If-Match: a stale version is refused by the server (412) and the connector re-reads and retries once;
 * - paging with a small page size; a filter value with quotes and backslashes; basic authentication; coded errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { Plan } from '../../src/core/model.js';
import { applyPrepared } from '../../src/engine/apply.js';
import { openEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { withRunLease } from '../../src/engine/lease.js';
import { preparePlan } from '../../src/engine/planning.js';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { makeCtx, makeOp } from '../../src/targets/conformance/index.js';
import type { TargetConnector } from '../../src/targets/contract.js';
import { employee } from '../support/personio-fixture.js';
import type { EmployeeSpec } from '../support/personio-fixture.js';
import { scimConnector, scimTargetConfig } from '../support/scim-harness.js';
import { startScimServer } from '../support/scim-server.js';
import type { ScimServer } from '../support/scim-server.js';

const AT = '2026-06-15T10:00:00Z';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Json : {});

const people: EmployeeSpec[] = [
  { id: 1, first: 'Anna', last: 'Alpha', department: 'Sales', position: 'Lead' },
  { id: 2, first: 'Bert', last: 'Beta', department: 'Finance', position: 'Clerk', supervisorId: 1 },
  { id: 3, first: 'Carla', last: 'Gamma', department: 'Sales', position: 'Rep' },
];

function yaml(dir: string, personioUrl: string, scimUrl: string): string {
  return `source: { type: personio, baseUrl: ${JSON.stringify(personioUrl)}, clientId: c, clientSecret: s }
store: { driver: sqlite, path: ${JSON.stringify(join(dir, 'cadre.db'))} }
identifiers:
  username:
    patterns: ["{first}.{last}", "{f}{last}"]
    maxLength: 40
lifecycle: { preHireDays: 14, retentionDays: 30, leave: keep, timezone: Europe/Berlin }
targets:
  saas:
    type: scim
    options:
      baseUrl: ${JSON.stringify(scimUrl)}
      auth: { type: bearer, token: "env:CADRE_TEST_SCIM_TOKEN" }
    attributes:
      userName: "{{ id.username }}"
      displayName: "{{ firstName }} {{ lastName }}"
      name.givenName: "{{ firstName }}"
      name.familyName: "{{ lastName }}"
      'emails[type eq "work"].value': "{{ id.username }}@example.com"
      title: "{{ position }}"
      department: "{{ department }}"
      employeeNumber: "{{ personId }}"
      manager: "{{ supervisorId ? ref(supervisorId) : null }}"
    identifiers: { username: [userName] }
    managedEntitlements: ["App *"]
entitlements:
  - name: all-staff
    grant: { saas: ["App Users"] }
thresholds: { default: { count: 1000, percent: 100 }, adopt: { count: 1000, percent: 100 } }
executor: { retries: 1, concurrency: 2 }
`;
}

describe('scim connector through the engine (Personio simulator → plan → apply)', () => {
  let dir: string;
  let server: ScimServer;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let engine: Engine;
  let existing: string;

  const usersBy = async (externalId: string): Promise<Json[]> => {
    const r = await fetch(`${server.url}/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`, { headers: { authorization: `Bearer ${server.token}` } });
    return ((await r.json()) as { Resources?: Json[] }).Resources ?? [];
  };
  const plan = async (): Promise<Plan> => (await preparePlan(engine, { at: AT })).plan;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-scim-'));
    server = await startScimServer({ etag: true });
    await server.addGroup('App Users');
    // Carla already has an account in the SaaS app, with her person id as externalId (provisioned earlier).
    existing = await server.addUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'cgamma.legacy@example.com', externalId: '3', active: true });
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    process.env.CADRE_TEST_SCIM_TOKEN = server.token;
    const file = join(dir, 'cadre.yaml');
    writeFileSync(file, yaml(dir, personio.url, server.url));
    engine = await openEngine(await loadConfigOrThrow(file));
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    await server?.close();
    delete process.env.CADRE_TEST_SCIM_TOKEN;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a userName taken after planning fails with 409 uniqueness; the next plan moves the person on; enterprise fields and the manager round trip; the existing account is adopted', async () => {
    const prepared = await preparePlan(engine, { at: AT });
    assert.deepEqual(prepared.plan.errors, []);
    assert.deepEqual(prepared.plan.blockers, [], 'the granted group exists (listEntitlements)');
    // Someone creates anna.alpha by hand in the SaaS admin UI between plan and apply.
    await server.addUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'anna.alpha', active: true });
    const report = await withRunLease(engine, { command: 'sync' }, (lease) => applyPrepared(engine, prepared, { actor: 'test', kind: 'sync', lease }));
    const failed = report.outcomes.filter((o) => o.status === 'failed');
    assert.deepEqual(failed.map((o) => `${o.op.action} ${o.op.personId}`), ['create 1']);
    assert.equal(failed[0]?.error?.code, 'SCIM_IDENTIFIER_TAKEN');
    assert.match(failed[0]?.error?.message ?? '', /409 uniqueness/);
    assert.match(failed[0]?.error?.message ?? '', /the next run moves the person to the next free candidate/);

    const next = await plan();
    assert.deepEqual(next.reallocations, [{ personId: '1', kind: 'username', from: 'anna.alpha', to: 'aalpha', reason: 'taken' }]);
    await fullSync(engine, { actor: 'test', at: AT });

    const [anna, ...moreAnna] = await usersBy('1');
    assert.equal(moreAnna.length, 0);
    assert.equal(anna?.userName, 'aalpha');
    const [bert] = await usersBy('2');
    assert.ok(bert);
    assert.deepEqual(obj(bert[ENT]), { department: 'Finance', employeeNumber: '2', manager: { value: anna?.id } }, 'enterprise extension with the manager as the id of her account');
    assert.deepEqual(bert.name, { givenName: 'Bert', familyName: 'Beta' });
    assert.deepEqual(bert.emails, [{ type: 'work', value: 'bert.beta@example.com' }]);
    assert.equal(bert.title, 'Clerk');

    // Carla: the account that carried her externalId was taken over, not duplicated.
    const carla = await usersBy('3');
    assert.deepEqual(carla.map((u) => u.id), [existing]);
    assert.equal(carla[0]?.userName, 'carla.gamma');
    assert.equal(obj(carla[0]?.[ENT]).department, 'Sales');

    const members = (await server.groups()).find((g) => g.displayName === 'App Users')?.members as Json[] | undefined;
    assert.equal(members?.length, 3, 'everyone in the granted group once');

    // Read back through list(): what was written is what is desired, so nothing is left to do.
    const again = await plan();
    assert.deepEqual(again.operations.map((o) => `${o.action} ${o.personId}`), [], 'converged');
  });
});

describe('scim connector: If-Match, paging, filter escaping, auth, errors', () => {
  let server: ScimServer;
  let c: TargetConnector;
  before(async () => {
    server = await startScimServer({ etag: true, maxPage: 3 });
    c = await scimConnector('saas', scimTargetConfig(server, {}, { pageSize: 4 }));
  });
  after(async () => {
    await c?.close();
    await server?.close();
  });

  const create = async (personId: string, userName: string, extra: Json = {}): Promise<string> => {
    const r = await c.apply(makeOp('saas', 'create', personId, { changes: [{ attribute: 'userName', from: undefined, to: userName }, ...Object.entries(extra).map(([attribute, to]) => ({ attribute, from: undefined, to: to as string }))] }), makeCtx());
    assert.ok(r.ok && r.anchor, JSON.stringify(r));
    return r.anchor;
  };

  test('If-Match: the connector sends the version it read; a concurrent edit (412) is re-read and retried once', async () => {
    const id = await create('im1', 'ifmatch@example.com', { department: 'Sales' });
    const v1 = String(obj((await server.user(id))?.meta).version);
    // Stale on purpose: the server's version moves on between the connector's read and write.
    const staleFetch = globalThis.fetch;
    let bumped = 0;
    const patches: Array<[string | undefined, number]> = [];
    globalThis.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && bumped === 0) {
        bumped++;
        await server.touch(id);
      }
      const res = await staleFetch(input, init);
      if (init?.method === 'PATCH') patches.push([(init.headers as Record<string, string>)['if-match'], res.status]);
      return res;
    };
    try {
      const r = await c.apply(makeOp('saas', 'update', 'im1', { anchor: id, changes: [{ attribute: 'department', from: 'Sales', to: 'Finance' }] }), makeCtx());
      assert.ok(r.ok, JSON.stringify(r));
    } finally {
      globalThis.fetch = staleFetch;
    }
    assert.equal(bumped, 1, 'the first PATCH went out against a stale version');
    assert.deepEqual(patches, [[v1, 412], ['W/"2"', 200]], 'If-Match with the version read; after the 412 the fresh one');
    const u = await server.user(id);
    assert.equal(obj(u?.[ENT]).department, 'Finance');
    assert.notEqual(String(obj(u?.meta).version), v1);
  });

  test('a create planned disabled (pre-hire) without a desired account posts active false', async () => {
    const r = await c.apply(makeOp('saas', 'create', 'pre1', { enabled: false, changes: [{ attribute: 'userName', from: undefined, to: 'prehire@example.com' }] }), makeCtx());
    assert.ok(r.ok && r.anchor, JSON.stringify(r));
    assert.equal((await server.user(r.anchor))?.active, false);
    assert.equal(r.state?.enabled, false);
  });

  test('a disable of a user deactivated already (by someone else) reports unchanged; an active user is disabled', async () => {
    const r = await c.apply(makeOp('saas', 'create', 'lock1', { enabled: true, changes: [{ attribute: 'userName', from: undefined, to: 'locked.before@example.com' }] }), makeCtx());
    assert.ok(r.ok && r.anchor, JSON.stringify(r));
    const first = await c.apply(makeOp('saas', 'disable', 'lock1', { anchor: r.anchor }), makeCtx());
    assert.ok(first.ok && first.unchanged !== true, JSON.stringify(first));
    assert.equal((await server.user(r.anchor))?.active, false);
    const again = await c.apply(makeOp('saas', 'disable', 'lock1', { anchor: r.anchor }), makeCtx());
    assert.ok(again.ok && again.unchanged === true && again.state?.enabled === false, JSON.stringify(again));
  });

  test('list() pages with 1-based startIndex when the server returns fewer than asked', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 11; i++) ids.add(await create(`pg${i}`, `page${i}@example.com`));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of c.list()) {
      pages++;
      assert.ok(page.length <= 3, 'the server caps pages at 3');
      seen.push(...page.map((s) => s.anchor));
    }
    assert.ok(pages >= 4);
    assert.equal(new Set(seen).size, seen.length, 'no account twice');
    for (const id of ids) assert.ok(seen.includes(id), `${id} listed`);
  });

  test('values with quotes and backslashes are found exactly and cannot widen a filter', async () => {
    const tricky = 'o"brien\\x@example.com';
    const id = await create('q1', tricky);
    await create('q2', 'plain@example.com');
    assert.equal(await c.isFree('userName', tricky), false);
    assert.equal(await c.isFree('userName', 'o"brien\\y@example.com'), true);
    // An attempt to close the string and add `or userName pr` matches nothing instead of everything.
    assert.equal(await c.isFree('userName', '" or userName pr or userName eq "'), true);
    const found = await c.find({ attribute: 'userName', value: tricky });
    assert.deepEqual(found.map((s) => s.anchor), [id]);
    const byCorr = await c.find({ attribute: 'externalId', value: 'q1" or externalId pr or externalId eq "x' });
    assert.deepEqual(byCorr, []);
  });

  test('isFree on a typed email counts an address of any type as taken (case-insensitively)', async () => {
    await server.addUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'homer', emails: [{ type: 'home', value: 'Home.Taken@example.com' }] });
    assert.equal(await c.isFree('emails[type eq "work"].value', 'home.taken@example.com'), false);
    assert.equal(await c.isFree('emails[type eq "work"].value', 'home.free@example.com'), true);
    assert.equal(c.listsEverything, undefined, 'identifier checks go live, not through the listing of work addresses');
  });

  test('429 and 503 are retried (Retry-After honoured); past maxRetries they are transient coded results', async () => {
    await server.faults(2, 429);
    assert.equal(await c.isFree('userName', 'nobody-throttled'), true, 'two 429s, then the answer');
    await server.faults(2, 503);
    assert.equal(await c.isFree('userName', 'nobody-unavailable'), true, 'two 503s, then the answer');
    const few = await scimConnector('saas', scimTargetConfig(server, {}, { maxRetries: 1 }));
    await server.faults(5, 429);
    const r = await few.apply(makeOp('saas', 'disable', 'x', { anchor: 'nope' }), makeCtx());
    await server.faults(0);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'SCIM_THROTTLED');
      assert.equal(r.error.transient, true, 'the executor retries it later');
      assert.equal(r.error.retryAfter, 0);
    }
  });

  test('coded errors: wrong token ACCESS_DENIED, missing user NOT_FOUND, uniqueness SCIM_IDENTIFIER_TAKEN', async () => {
    const bad = await scimConnector('saas', scimTargetConfig(server, {}, { auth: { type: 'bearer', token: 'wrong' } }));
    const r = await bad.apply(makeOp('saas', 'disable', 'x', { anchor: 'nope' }), makeCtx());
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'ACCESS_DENIED');
      assert.ok(!r.error.message.includes('wrong'), 'the token is not in the message');
    }
    const live = await bad.checkLive?.({ entitlements: [], containers: [] });
    assert.equal(live?.[0]?.code, 'ACCESS_DENIED');
    assert.equal(live?.[0]?.unreachable, true);
    const missing = await c.apply(makeOp('saas', 'update', 'x', { anchor: 'nope', changes: [{ attribute: 'title', from: null, to: 'x' }] }), makeCtx());
    assert.equal(missing.ok ? 'ok' : missing.error.code, 'NOT_FOUND');
    await create('u1', 'unique@example.com');
    const dup = await c.apply(makeOp('saas', 'create', 'u2', { changes: [{ attribute: 'userName', from: undefined, to: 'UNIQUE@example.com' }] }), makeCtx());
    assert.equal(dup.ok ? 'ok' : dup.error.code, 'SCIM_IDENTIFIER_TAKEN');
    const findings = await c.checkLive?.({ entitlements: ['No Such Group'], containers: [] });
    assert.deepEqual(findings?.map((f) => `${f.severity} ${f.code}`), ['ok SCIM_REACHABLE', 'error SCIM_GROUP_MISSING']);
  });
});

describe('scim connector: basic authentication and a server without PATCH', () => {
  let server: ScimServer;
  after(async () => server?.close());

  test('basic credentials; updates by PUT when ServiceProviderConfig says patch.supported false', async () => {
    server = await startScimServer({ basic: { username: 'cadre', password: 'S3cret:pass' }, noPatch: true });
    const c = await scimConnector('saas', scimTargetConfig(server, {}, { auth: { type: 'basic', username: 'cadre', password: 'S3cret:pass' } }));
    const r = await c.apply(makeOp('saas', 'create', 'b1', { changes: [{ attribute: 'userName', from: undefined, to: 'basic@example.com' }, { attribute: 'costCenter', from: undefined, to: 'CC-1' }] }), makeCtx());
    assert.ok(r.ok && r.anchor, JSON.stringify(r));
    const u = await c.apply(makeOp('saas', 'update', 'b1', { anchor: r.anchor, changes: [{ attribute: 'costCenter', from: 'CC-1', to: 'CC-2' }] }), makeCtx());
    assert.ok(u.ok, JSON.stringify(u));
    assert.equal(obj((await server.user(r.anchor))?.[ENT]).costCenter, 'CC-2');
    // By PUT too: a disable of a user deactivated already is reported unchanged.
    assert.ok((await c.apply(makeOp('saas', 'disable', 'b1', { anchor: r.anchor }), makeCtx())).ok);
    const again = await c.apply(makeOp('saas', 'disable', 'b1', { anchor: r.anchor }), makeCtx());
    assert.ok(again.ok && again.unchanged === true, JSON.stringify(again));
    const findings = await c.checkLive?.({ entitlements: [], containers: [] });
    assert.deepEqual(findings?.map((f) => `${f.severity} ${f.code}`), ['ok SCIM_REACHABLE', 'warning SCIM_PATCH_UNSUPPORTED']);
    const wrong = await scimConnector('saas', scimTargetConfig(server, {}, { auth: { type: 'basic', username: 'cadre', password: 'nope' } }));
    assert.equal((await wrong.isFree('userName', 'x').catch((e: { code?: string }) => e.code)), 'ACCESS_DENIED');
  });

  test('cadre validate --live: a service without filter support is an error (correlation needs eq filters)', async () => {
    const plain = await startScimServer({ noFilter: true });
    try {
      const c = await scimConnector('saas', scimTargetConfig(plain));
      const findings = await c.checkLive?.({ entitlements: [], containers: [] });
      assert.deepEqual(findings?.map((f) => `${f.severity} ${f.code}`), ['ok SCIM_REACHABLE', 'error SCIM_FILTER_UNSUPPORTED']);
    } finally {
      await plain.close();
    }
  });
});
