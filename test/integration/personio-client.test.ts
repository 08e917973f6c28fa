/**
 * The Personio client against the real simulator (in-process, ephemeral port): paging, tokens,
 * retries, consistency checks, deltas, single reads and write-back.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { PersonioSourceConfig } from '../../src/config/schema.js';
import { createPersonioClient } from '../../src/sources/personio/client.js';
import type { PersonioClientDeps } from '../../src/sources/personio/client.js';
import { PersonioError } from '../../src/sources/personio/errors.js';
import { generateCompany } from '../../src/sources/personio/generator.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import type { PersonioSimulator } from '../../src/sources/personio/simulator/index.js';

const CLIENT_ID = 'cadre-test-client';
const SECRET = 'very-secret-client-secret-4711';
const logLines: string[] = [];
const log: PersonioClientDeps['log'] = {
  debug: (o, m) => { logLines.push(JSON.stringify([o, m])); },
  info: (o, m) => { logLines.push(JSON.stringify([o, m])); },
  warn: (o, m) => { logLines.push(JSON.stringify([o, m])); },
};

let sim: PersonioSimulator;

function client(over: Partial<PersonioSourceConfig> = {}, deps: Partial<PersonioClientDeps> = {}) {
  const cfg: PersonioSourceConfig = {
    type: 'personio', baseUrl: sim.url, clientId: CLIENT_ID, clientSecret: SECRET, pageSize: 100,
    customAttributes: { phone: 'dynamic_1001', birthName: 'dynamic_1002' }, maxRetries: 2, timeoutMs: 5000, ...over,
  };
  return createPersonioClient(cfg, { log, backoffBaseMs: 5, ...deps });
}

const listRequests = () => sim.stats.requests.filter((r) => r.method === 'GET' && r.path === '/v1/company/employees');

async function rejects(p: Promise<unknown>, code: string): Promise<PersonioError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PersonioError, `expected PersonioError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('Personio client against the simulator', () => {
  before(async () => {
    sim = await startPersonioSimulator({
      port: 0, employees: generateCompany(250, { seed: 3, today: '2025-06-01' }),
      credentials: { clientId: CLIENT_ID, clientSecret: SECRET },
    });
  });
  after(async () => {
    await sim.close();
    // DSGVO: neither the secret nor any token may ever reach a log line.
    const all = logLines.join('\n');
    assert.equal(all.includes(SECRET), false);
    assert.equal(/papi-[A-Za-z0-9_-]{8}/.test(all), false);
  });
  beforeEach(() => {
    sim.stats.requests.splice(0);
    Object.assign(sim.faults, { serverErrors: 0, rateLimitNext: 0, slowMs: 0, truncatePages: false, failAuth: false, rotateTokens: false });
  });

  test('reads all 250 employees in pages of 100', async () => {
    const progress: Array<[number, number]> = [];
    const snap = await client().fetchAll((r, t) => progress.push([r, t]));
    assert.equal(snap.complete, true, snap.incompleteReason);
    assert.equal(snap.reportedTotal, 250);
    assert.equal(snap.persons.length + snap.problems.length, 250);
    assert.equal(new Set(snap.persons.map((p) => p.id)).size, snap.persons.length);
    assert.deepEqual(listRequests().map((r) => [r.query.limit, r.query.offset]), [['100', '0'], ['100', '100'], ['100', '200']]);
    assert.deepEqual(progress, [[100, 250], [200, 250], [250, 250]]);
    const ceo = snap.persons.find((p) => p.id === '1001');
    assert.equal(ceo?.position, 'CEO');
    assert.match(String(ceo?.custom.phone), /^\+4[139] /);
  });

  test('pageSize 7 walks 36 pages without gaps', async () => {
    const snap = await client({ pageSize: 7 }).fetchAll();
    assert.equal(snap.complete, true, snap.incompleteReason);
    assert.equal(snap.persons.length + snap.problems.length, 250);
    const offsets = listRequests().map((r) => Number(r.query.offset));
    assert.deepEqual(offsets, Array.from({ length: 36 }, (_, i) => i * 7));
    assert.ok(listRequests().every((r) => r.query.limit === '7'));
  });

  test('one token serves many calls', async () => {
    const c = client();
    const before = sim.stats.authCalls;
    await c.fetchAll();
    await c.fetchAll();
    await c.fetchOne('1001');
    assert.equal(sim.stats.authCalls - before, 1);
    assert.equal(c.stats.authCalls, 1);
    const tags = new Set(listRequests().map((r) => r.tokenTag));
    assert.equal(tags.size, 1);
  });

  test('401 → re-authenticates once and retries', async () => {
    const c = client();
    await c.fetchOne('1001');
    sim.revokeTokens();
    const p = await c.fetchOne('1002');
    assert.equal(p?.id, '1002');
    assert.equal(c.stats.authCalls, 2);
    const statuses = sim.stats.requests.filter((r) => r.path === '/v1/company/employees/1002').map((r) => r.status);
    assert.deepEqual(statuses, [401, 200]);
  });

  test('follows the token the server returns in the Authorization header', async () => {
    sim.faults.rotateTokens = true; // each call spends its token and hands out the next
    const c = client({ pageSize: 50 });
    const snap = await c.fetchAll();
    assert.equal(snap.complete, true);
    assert.equal(c.stats.authCalls, 1, 'no re-authentication needed when the echoed token is used');
    const reqs = listRequests();
    assert.equal(reqs.length, 5);
    assert.ok(reqs.every((r) => r.status === 200));
    assert.equal(new Set(reqs.map((r) => r.tokenTag)).size, 5);
  });

  test('the simulator echoes the stable token on personnel calls', async () => {
    const auth = await fetch(`${sim.url}/v1/auth`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: CLIENT_ID, client_secret: SECRET }),
    });
    const token = ((await auth.json()) as { data: { token: string } }).data.token;
    assert.match(token, /^papi-/);
    const res = await fetch(`${sim.url}/v1/company/employees?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.headers.get('authorization'), `Bearer ${token}`);
  });

  test('429 → backs off and succeeds', async () => {
    sim.faults.rateLimitNext = 3;
    const t0 = Date.now();
    const snap = await client().fetchAll();
    assert.equal(snap.complete, true);
    const statuses = sim.stats.requests.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 429).length, 3);
    assert.ok(Date.now() - t0 >= 5 + 10 + 20, 'waited the exponential backoff');
  });

  test('429 beyond the wait budget → PERSONIO_RATE_LIMITED', async () => {
    sim.faults.rateLimitNext = 1000;
    const e = await rejects(client({}, { rateLimitBudgetMs: 60 }).fetchAll(), 'PERSONIO_RATE_LIMITED');
    assert.equal(e.retryable, true);
  });

  test('real rate limiter (bursts per second) is survived', async () => {
    const small = await startPersonioSimulator({ employees: generateCompany(15, { seed: 5 }), rateLimit: { burstPerSecond: 10 } });
    try {
      const c = createPersonioClient({
        type: 'personio', baseUrl: small.url, clientId: 'x', clientSecret: 'y', pageSize: 1, customAttributes: {}, maxRetries: 2, timeoutMs: 5000,
      }, { log, backoffBaseMs: 20 });
      const snap = await c.fetchAll();
      assert.equal(snap.complete, true);
      assert.equal(snap.persons.length, 15);
      assert.ok(small.stats.requests.some((r) => r.status === 429), 'the limiter did engage');
    } finally {
      await small.close();
    }
  });

  test('5xx → bounded retries then success', async () => {
    sim.faults.serverErrors = 2;
    const snap = await client({ maxRetries: 2 }).fetchAll();
    assert.equal(snap.complete, true);
    assert.deepEqual(sim.stats.requests.slice(0, 2).map((r) => r.status), [500, 503]);
  });

  test('5xx beyond maxRetries → PERSONIO_UNAVAILABLE after maxRetries+1 attempts', async () => {
    const c = client({ maxRetries: 2 });
    await c.fetchOne('1001'); // authenticate first so only the data call is counted
    sim.stats.requests.splice(0);
    sim.faults.serverErrors = 10;
    await rejects(c.fetchOne('1001'), 'PERSONIO_UNAVAILABLE');
    assert.equal(sim.stats.requests.length, 3);
  });

  test('timeout → PERSONIO_TIMEOUT', async () => {
    sim.faults.slowMs = 300;
    await rejects(client({ timeoutMs: 100, maxRetries: 1 }).fetchOne('1001'), 'PERSONIO_TIMEOUT');
  });

  test('truncated paging → complete=false with a reason', async () => {
    sim.faults.truncatePages = true;
    const snap = await client().fetchAll();
    assert.equal(snap.complete, false);
    assert.equal(snap.reportedTotal, 250);
    assert.equal(snap.persons.length + snap.problems.length, 200);
    assert.match(snap.incompleteReason ?? '', /reported 250 employees but 200 were delivered/);
  });

  test('an employee removed mid-read → complete=false', async () => {
    const c = client();
    const removed = sim.company.get('1005');
    assert.ok(removed);
    try {
      const snap = await c.fetchAll((read) => { if (read === 100) sim.company.remove('1005'); });
      assert.equal(snap.complete, false);
      assert.match(snap.incompleteReason ?? '', /total_elements changed from 250 to 249/);
    } finally {
      sim.company.upsert(removed);
    }
  });

  test('updated_since returns only changed employees, in one request', async () => {
    // Earlier tests touched employees moments ago: keep a clear gap on both sides of `since`.
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const c = client();
    await c.updateEmployee('1010', { position: 'Chief Operating Officer' });
    await c.updateEmployee('1020', { dynamic_1001: '+49 30 1234-56' });
    sim.stats.requests.splice(0);
    const changed = await c.fetchChanged(since);
    assert.deepEqual(changed.persons.map((p) => p.id).sort(), ['1010', '1020']);
    assert.equal(changed.persons.find((p) => p.id === '1020')?.custom.phone, '+49 30 1234-56');
    const reqs = listRequests();
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0]?.query.limit, undefined);
    const all = await c.fetchChanged('2000-01-01');
    assert.equal(all.persons.length + all.problems.length, 250, 'updated_since ignores paging');
  });

  test('partner and app headers reach the server on every call', async () => {
    await client({ partnerId: 'cadre-partner', appId: 'cadre-app' }).fetchAll();
    assert.ok(sim.stats.requests.length >= 4);
    assert.ok(sim.stats.requests.every((r) => r.partnerId === 'cadre-partner' && r.appId === 'cadre-app'));
    assert.ok(sim.stats.requests.some((r) => r.path === '/v1/auth'));
  });

  test('fetchOne: known and unknown ids', async () => {
    const c = client();
    const p = await c.fetchOne('1003');
    assert.equal(p?.id, '1003');
    assert.equal(p?.supervisorId, '1001');
    assert.equal(await c.fetchOne('999999'), undefined);
  });

  test('write-back PATCH is visible in the simulator', async () => {
    const c = client();
    const before = sim.company.get('1030')?.attributes.last_modified_at?.value;
    await c.updateEmployee('1030', { dynamic_1001: '+49 89 4711', preferred_name: 'Sami', supervisor_id: '1002' });
    const raw = sim.company.get('1030');
    assert.equal(raw?.attributes.dynamic_1001?.value, '+49 89 4711');
    assert.equal(raw?.attributes.preferred_name?.value, 'Sami');
    assert.notEqual(raw?.attributes.last_modified_at?.value, before);
    const p = await c.fetchOne('1030');
    assert.equal(p?.preferredName, 'Sami');
    assert.equal(p?.supervisorId, '1002');
    assert.equal(p?.custom.phone, '+49 89 4711');
  });

  test('write-back of email is refused before any request', async () => {
    const c = client();
    const e = await rejects(c.updateEmployee('1030', { email: 'new@beispiel.example' }), 'PERSONIO_EMAIL_READONLY');
    assert.match(e.message, /email/);
    assert.equal(sim.stats.requests.length, 0);
  });

  test('write-back of a non-writable field is refused', async () => {
    await rejects(client().updateEmployee('1030', { termination_date: '2030-01-01' }), 'PERSONIO_FIELD_READONLY');
  });

  test('PATCH with an unknown supervisor → PERSONIO_VALIDATION with Personio message', async () => {
    const e = await rejects(client().updateEmployee('1030', { supervisor_id: '999999' }), 'PERSONIO_VALIDATION');
    assert.match(e.message, /Supervisor with ID 999999 not found/);
  });

  test('wrong credentials → PERSONIO_AUTH_FAILED without leaking the secret', async () => {
    const e = await rejects(client({ clientSecret: 'wrong-secret-value' }).fetchAll(), 'PERSONIO_AUTH_FAILED');
    assert.equal(e.message.includes('wrong-secret-value'), false);
    sim.faults.failAuth = true;
    await rejects(client().fetchOne('1001'), 'PERSONIO_AUTH_FAILED');
  });
});
