/**
 * The Graph simulator's Temporary Access Passes (`/users/{id}/authentication/temporaryAccessPassMethods`), with raw
 * fetch against the documented behaviour: the pass in the create response only, one pass per user (a create
 * replaces it), policy-bounded lifetimes with Graph's error, NotYetValid / EnabledByPolicy / Expired / OneTimeUsed,
 * delete, and the permission.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import type { GraphSimulator } from '../../src/targets/entra/simulator/index.js';

let sim: GraphSimulator;
let g = '';
const tokens: Record<string, string> = {};

type Body = Record<string, unknown> & { value?: Record<string, unknown>[]; error?: { code: string; message: string } };
async function call(method: string, path: string, body?: unknown, who = 'app'): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${g}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who] ?? ''}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Body : {} };
}
async function token(clientId: string): Promise<string> {
  const res = await fetch(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: 's3cret', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }).toString(),
  });
  return String((await res.json() as { access_token: string }).access_token);
}
/** Move the simulator clock; tokens are re-issued (the old ones expire on the new clock). */
async function advance(ms: number): Promise<void> {
  sim.state.advance(ms);
  for (const c of ['app', 'reader', 'none']) tokens[c] = await token(c);
}
let n = 0;
async function newUser(): Promise<string> {
  n += 1;
  const r = await call('POST', '/users', {
    accountEnabled: true, displayName: `Tap ${n}`, mailNickname: `tap${n}`, userPrincipalName: `tap${n}@example.com`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: 'Xy7!long-enough' },
  });
  assert.equal(r.status, 201);
  return String(r.body.id);
}
const taps = (id: string): string => `/users/${id}/authentication/temporaryAccessPassMethods`;

before(async () => {
  sim = await startGraphSimulator({
    port: 0,
    clients: [
      { clientId: 'app', clientSecret: 's3cret' },
      { clientId: 'reader', clientSecret: 's3cret', roles: ['User.ReadWrite.All', 'UserAuthenticationMethod.Read.All'] },
      { clientId: 'none', clientSecret: 's3cret', roles: ['User.ReadWrite.All'] },
    ],
  });
  g = `${sim.url}/v1.0`;
  for (const c of ['app', 'reader', 'none']) tokens[c] = await token(c);
});
after(async () => { await sim.close(); });

describe('temporaryAccessPassMethods', () => {
  test('create with a future start: 201, the pass once, NotYetValid; reads never show the pass', async () => {
    const id = await newUser();
    const start = new Date(sim.state.now().getTime() + 3 * 86_400_000);
    start.setUTCHours(0, 0, 0, 0);
    const r = await call('POST', taps(id), { startDateTime: start.toISOString(), lifetimeInMinutes: 60, isUsableOnce: false });
    assert.equal(r.status, 201);
    assert.equal(r.body['@odata.type'], '#microsoft.graph.temporaryAccessPassAuthenticationMethod');
    assert.match(String(r.body['@odata.context']), /\$metadata#users\('.+'\)\/authentication\/temporaryAccessPassMethods\/\$entity$/);
    const pass = String(r.body.temporaryAccessPass);
    assert.equal(pass.length, 8, 'the policy default length');
    assert.equal(r.body.startDateTime, start.toISOString().replace('.000Z', 'Z'));
    assert.equal(r.body.lifetimeInMinutes, 60);
    assert.equal(r.body.isUsableOnce, false);
    assert.equal(r.body.isUsable, false);
    assert.equal(r.body.methodUsabilityReason, 'NotYetValid');
    assert.match(String(r.body.createdDateTime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);

    const list = await call('GET', taps(id));
    assert.equal(list.status, 200);
    assert.equal(list.body.value?.length, 1);
    assert.equal(list.body.value?.[0]?.temporaryAccessPass, null, 'hidden in reads, returned as null');
    const one = await call('GET', `${taps(id)}/${String(r.body.id)}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.temporaryAccessPass, null);
    assert.ok(!JSON.stringify([list.body, one.body]).includes(pass));

    assert.equal(sim.state.signInWithTap(id, pass), false, 'not usable before its start');
    await advance(start.getTime() - sim.state.now().getTime() + 60_000);
    assert.equal((await call('GET', taps(id))).body.value?.[0]?.methodUsabilityReason, 'EnabledByPolicy');
    assert.equal(sim.state.signInWithTap(id, 'wrong-pass'), false);
    assert.equal(sim.state.signInWithTap(id, pass), true);
    assert.equal(sim.state.signInWithTap(id, pass), true, 'multi-use within its lifetime');
    await advance(61 * 60_000);
    const late = (await call('GET', taps(id))).body.value?.[0];
    assert.equal(late?.isUsable, false);
    assert.equal(late?.methodUsabilityReason, 'Expired');
    assert.equal(sim.state.signInWithTap(id, pass), false);
  });

  test('without a body the pass uses the policy default and is usable at once; one-time passes are used up', async () => {
    const id = await newUser();
    const r = await call('POST', taps(id), { isUsableOnce: true });
    assert.equal(r.status, 201);
    assert.equal(r.body.lifetimeInMinutes, 60);
    assert.equal(r.body.isUsable, true);
    assert.equal(r.body.methodUsabilityReason, 'EnabledByPolicy');
    assert.ok(sim.state.signInWithTap(id, String(r.body.temporaryAccessPass)));
    assert.equal((await call('GET', taps(id))).body.value?.[0]?.methodUsabilityReason, 'OneTimeUsed');
    assert.equal(sim.state.signInWithTap(id, String(r.body.temporaryAccessPass)), false);
  });

  test('one pass per user: a second create replaces the first', async () => {
    const id = await newUser();
    const a = await call('POST', taps(id), {});
    const b = await call('POST', taps(id), {});
    assert.equal(b.status, 201);
    assert.notEqual(a.body.id, b.body.id);
    const list = await call('GET', taps(id));
    assert.deepEqual(list.body.value?.map((v) => v.id), [b.body.id]);
    assert.equal(sim.state.signInWithTap(id, String(a.body.temporaryAccessPass)), false, 'the old pass is gone');
    assert.equal((await call('GET', `${taps(id)}/${String(a.body.id)}`)).status, 404);
  });

  test('lifetime outside the policy: 400 badRequest with the range; bad values refused', async () => {
    const id = await newUser();
    for (const lifetimeInMinutes of [59, 481, 43200]) {
      const r = await call('POST', taps(id), { lifetimeInMinutes });
      assert.equal(r.status, 400);
      assert.equal(r.body.error?.code, 'badRequest');
      assert.equal(r.body.error?.message, 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.');
    }
    assert.equal((await call('POST', taps(id), { lifetimeInMinutes: '60' })).status, 400);
    assert.equal((await call('POST', taps(id), { startDateTime: 'tomorrow' })).status, 400);
    assert.equal((await call('POST', taps(id), { startDateTime: '2026-12-05T00:00:00' })).status, 400, 'a DateTimeOffset needs its offset');
    assert.equal((await call('POST', taps(id), { temporaryAccessPass: 'chosen' })).status, 400, 'the pass is generated, never chosen');
    assert.equal((await call('GET', taps(id))).body.value?.length, 0, 'nothing was created');
    const ok = await call('POST', taps(id), { lifetimeInMinutes: 480, startDateTime: '2030-01-01T00:00:00+01:00' });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.startDateTime, '2029-12-31T23:00:00Z');
  });

  test('delete: 204, then gone (404 for the id)', async () => {
    const id = await newUser();
    const r = await call('POST', taps(id), {});
    assert.equal((await call('DELETE', `${taps(id)}/${String(r.body.id)}`)).status, 204);
    assert.equal((await call('GET', taps(id))).body.value?.length, 0);
    assert.equal((await call('DELETE', `${taps(id)}/${String(r.body.id)}`)).status, 404);
  });

  test('permissions: reading needs a read permission, creating UserAuthenticationMethod.ReadWrite.All; unknown user 404', async () => {
    const id = await newUser();
    assert.equal((await call('GET', taps(id), undefined, 'reader')).status, 200);
    assert.equal((await call('POST', taps(id), {}, 'reader')).status, 403);
    assert.equal((await call('GET', taps(id), undefined, 'none')).status, 403);
    assert.equal((await call('POST', taps('00000000-0000-4000-8000-000000000000'), {})).status, 404);
  });
});

describe('policy', () => {
  test('a wider policy allows a 30-day pass; a one-time policy refuses multi-use', async () => {
    const wide = await startGraphSimulator({ port: 0, tapPolicy: { maximumLifetimeInMinutes: 43200, isUsableOnce: true } });
    try {
      const t = await fetch(`${wide.url}/${wide.tenantId}/oauth2/v2.0/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'x', client_secret: 'y', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }).toString(),
      });
      const auth = { authorization: `Bearer ${(await t.json() as { access_token: string }).access_token}`, 'content-type': 'application/json' };
      const u = wide.state.createUser({ accountEnabled: true, displayName: 'W', mailNickname: 'w', userPrincipalName: 'w@example.com', passwordProfile: { password: 'Xy7!long-enough' } });
      const post = async (body: unknown) => fetch(`${wide.url}/v1.0${taps(u.id)}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      assert.equal((await post({ lifetimeInMinutes: 43200, isUsableOnce: false })).status, 400);
      const ok = await post({ lifetimeInMinutes: 43200 });
      assert.equal(ok.status, 201);
      assert.equal((await ok.json() as { isUsableOnce: boolean }).isUsableOnce, true);
    } finally {
      await wide.close();
    }
    await assert.rejects(startGraphSimulator({ port: 0, tapPolicy: { maximumLifetimeInMinutes: 50_000 } }), /10\.\.43200/);
  });
});
