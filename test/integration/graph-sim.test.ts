/**
 * The Graph simulator, exercised with raw fetch: documented shapes, errors, paging, delta,
 * $batch with dependsOn/424, throttling with Retry-After, licence errors, soft delete/restore.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import type { GraphSimulator } from '../../src/targets/entra/simulator/index.js';

const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const F1 = '66b55226-6b4f-492c-910c-a3b7a3c9d993';
let sim: GraphSimulator;
let token = '';
let g = '';

interface Res { status: number; headers: Headers; body: Record<string, unknown> & { value?: Record<string, unknown>[]; error?: { code: string; message: string; details?: { target: string; code: string }[]; innerError: Record<string, string> } } }

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(path.startsWith('http') ? path : `${g}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) as Res['body'] : { text } };
}

async function tokenRequest(form: Record<string, string>, tenant = sim.tenantId): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

const pw = 'Xy7!long-enough';
/** Move the simulator clock, then fetch a fresh token (the old one may have expired on the new clock). */
async function advance(ms: number): Promise<void> {
  sim.state.advance(ms);
  const t = await tokenRequest({ client_id: 'app-1', client_secret: 's3cret', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' });
  token = String(t.body.access_token);
}
const newUser = (n: string, extra: Record<string, unknown> = {}) => ({
  accountEnabled: true, displayName: `User ${n}`, mailNickname: `user${n}`, userPrincipalName: `user${n}@example.com`,
  passwordProfile: { forceChangePasswordNextSignIn: true, password: pw }, ...extra,
});

before(async () => {
  sim = await startGraphSimulator({
    port: 0, clients: [{ clientId: 'app-1', clientSecret: 's3cret' }],
    skus: [{ skuId: E3, skuPartNumber: 'SPE_E3', prepaidUnits: 2 }, { skuId: F1, skuPartNumber: 'SPE_F1', prepaidUnits: 5 }],
  });
  g = `${sim.url}/v1.0`;
  const t = await tokenRequest({ client_id: 'app-1', client_secret: 's3cret', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' });
  assert.equal(t.status, 200);
  token = String(t.body.access_token);
});
after(async () => { await sim.close(); });

describe('token endpoint', () => {
  test('issues a bearer token with the documented shape', async () => {
    const t = await tokenRequest({ client_id: 'app-1', client_secret: 's3cret', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' });
    assert.equal(t.body.token_type, 'Bearer');
    assert.equal(t.body.expires_in, 3599);
    assert.match(String(t.body.access_token), /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
  test('AADSTS errors: bad secret, bad scope, bad grant, unknown client, unknown tenant', async () => {
    const base = { client_id: 'app-1', client_secret: 's3cret', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' };
    const bad = await tokenRequest({ ...base, client_secret: 'nope' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, 'invalid_client');
    assert.match(String(bad.body.error_description), /^AADSTS7000215:/);
    assert.deepEqual(bad.body.error_codes, [7000215]);
    const scope = await tokenRequest({ ...base, scope: 'User.Read' });
    assert.equal(scope.status, 400);
    assert.equal(scope.body.error, 'invalid_scope');
    assert.match(String(scope.body.error_description), /^AADSTS70011:/);
    const grant = await tokenRequest({ ...base, grant_type: 'password' });
    assert.equal(grant.body.error, 'unsupported_grant_type');
    assert.match(String(grant.body.error_description), /^AADSTS70003:/);
    const client = await tokenRequest({ ...base, client_id: 'other' });
    assert.equal(client.body.error, 'unauthorized_client');
    const tenant = await tokenRequest(base, 'no-such-tenant');
    assert.match(String(tenant.body.error_description), /^AADSTS90002:/);
  });
  test('token URL: a verified domain names the tenant; common/consumers/organizations do not', async () => {
    const base = { client_id: 'app-1', client_secret: 's3cret', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' };
    for (const domain of ['example.onmicrosoft.com', 'Example.COM']) {
      const t = await tokenRequest(base, domain);
      assert.equal(t.status, 200, domain);
      const me = await fetch(`${g}/users?$top=1`, { headers: { authorization: `Bearer ${String(t.body.access_token)}` } });
      assert.equal(me.status, 200, `a token from ${domain} works on Graph`);
    }
    for (const alias of ['common', 'consumers']) {
      const t = await tokenRequest(base, alias);
      assert.equal(t.status, 400);
      assert.equal(t.body.error, 'invalid_request');
      assert.match(String(t.body.error_description), /^AADSTS9001023: The grant type is not supported over the \/common or \/consumers endpoints/);
    }
    const orgs = await tokenRequest(base, 'organizations');
    assert.equal(orgs.status, 400);
    assert.match(String(orgs.body.error_description), /^AADSTS50059:/);
  });
  test('Graph rejects a missing, forged or expired token', async () => {
    const res = await fetch(`${g}/users`);
    assert.equal(res.status, 401);
    const body = await res.json() as Res['body'];
    assert.equal(body.error?.code, 'InvalidAuthenticationToken');
    assert.equal(body.error?.message, 'Access token is empty.');
    assert.ok(body.error?.innerError['request-id'] && body.error.innerError.date);
    const forged = await fetch(`${g}/users`, { headers: { authorization: `Bearer ${token.slice(0, -3)}abc` } });
    assert.equal(forged.status, 401);
    sim.state.advance(2 * 3600_000);
    const expired = await call('GET', '/users');
    assert.equal(expired.status, 401);
    assert.match(String(expired.body.error?.message), /expired/);
    const t = await tokenRequest({ client_id: 'app-1', client_secret: 's3cret', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' });
    token = String(t.body.access_token);
    assert.equal((await call('GET', '/users')).status, 200);
  });
});

describe('users', () => {
  test('create returns 201 with @odata.context and default properties', async () => {
    const res = await call('POST', '/users', newUser('1', { mail: 'user1@example.com', employeeId: 'E1', department: 'Sales' }));
    assert.equal(res.status, 201);
    assert.equal(res.body['@odata.context'], `${g}/$metadata#users/$entity`);
    assert.equal(res.body.userPrincipalName, 'user1@example.com');
    assert.equal(res.body.department, undefined, 'department is not in the default property set');
    const sel = await call('GET', `/users/${String(res.body.id)}?$select=employeeId,proxyAddresses,department,accountEnabled`);
    assert.deepEqual(sel.body.proxyAddresses, ['SMTP:user1@example.com']);
    assert.equal(sel.body.employeeId, 'E1');
    const byUpn = await call('GET', '/users/USER1@example.com');
    assert.equal(byUpn.body.id, res.body.id);
  });
  test('validation: required fields, UPN characters and domain, employeeId length, password complexity', async () => {
    const { userPrincipalName: _omit, ...noUpn } = newUser('x');
    const missing = await call('POST', '/users', noUpn);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error?.code, 'Request_BadRequest');
    assert.equal(missing.body.error?.message, 'One or more properties contains invalid values.');
    const chars = await call('POST', '/users', newUser('x', { userPrincipalName: 'jö rg@example.com' }));
    assert.equal(chars.body.error?.message, 'One or more properties contains invalid values.');
    const domain = await call('POST', '/users', newUser('x', { userPrincipalName: 'x@unverified.test' }));
    assert.equal(domain.status, 400);
    assert.match(String(domain.body.error?.message), /verified domain/);
    const emp = await call('POST', '/users', newUser('x', { employeeId: '12345678901234567' }));
    assert.equal(emp.status, 400);
    const weak = await call('POST', '/users', { ...newUser('x'), passwordProfile: { password: 'abc' } });
    assert.equal(weak.status, 400);
    assert.match(String(weak.body.error?.message), /complexity/);
  });
  test('duplicates return ObjectConflict with the documented message and target', async () => {
    const dupUpn = await call('POST', '/users', newUser('1b', { userPrincipalName: 'User1@example.com' }));
    assert.equal(dupUpn.status, 400);
    assert.equal(dupUpn.body.error?.message, 'Another object with the same value for property userPrincipalName already exists.');
    assert.deepEqual(dupUpn.body.error?.details, [{ target: 'userPrincipalName', code: 'ObjectConflict' }]);
    const dupMail = await call('POST', '/users', newUser('1c', { mail: 'user1@example.com' }));
    assert.equal(dupMail.body.error?.details?.[0]?.target, 'proxyAddresses');
    const dupNick = await call('POST', '/users', newUser('1d', { mailNickname: 'user1' }));
    assert.equal(dupNick.body.error?.details?.[0]?.target, 'mailNickname');
  });
  test('PATCH is 204, keeps unsent properties, mail change keeps the old address as smtp: alias', async () => {
    const id = String((await call('GET', '/users/user1@example.com')).body.id);
    const res = await call('PATCH', `/users/${id}`, { mail: 'new1@example.com', jobTitle: 'Lead', onPremisesExtensionAttributes: { extensionAttribute3: 'x' } });
    assert.equal(res.status, 204);
    const u = await call('GET', `/users/${id}?$select=mail,proxyAddresses,jobTitle,employeeId,onPremisesExtensionAttributes`);
    assert.equal(u.body.mail, 'new1@example.com');
    assert.deepEqual(u.body.proxyAddresses, ['SMTP:new1@example.com', 'smtp:user1@example.com']);
    assert.equal(u.body.employeeId, 'E1');
    assert.equal((u.body.onPremisesExtensionAttributes as Record<string, unknown>).extensionAttribute3, 'x');
    const ro = await call('PATCH', `/users/${id}`, { proxyAddresses: ['SMTP:a@example.com'] });
    assert.equal(ro.status, 400);
    const alias = await call('POST', '/users', newUser('alias', { mail: 'user1@example.com' }));
    assert.equal(alias.status, 400, 'an alias blocks the address for others');
    const notFound = await call('GET', '/users/00000000-0000-0000-0000-000000000000');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body.error?.code, 'Request_ResourceNotFound');
  });
  test('manager $ref: PUT 204, GET manager, 404 when none', async () => {
    const boss = await call('POST', '/users', newUser('boss'));
    const id = String((await call('GET', '/users/user1@example.com')).body.id);
    const none = await call('GET', `/users/${id}/manager`);
    assert.equal(none.status, 404);
    const put = await call('PUT', `/users/${id}/manager/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/users/${String(boss.body.id)}` });
    assert.equal(put.status, 204);
    const m = await call('GET', `/users/${id}/manager`);
    assert.equal(m.body.id, boss.body.id);
    const exp = await call('GET', `/users/${id}?$select=id&$expand=manager($select=id)`);
    assert.equal((exp.body.manager as Record<string, unknown>).id, boss.body.id);
    assert.equal((await call('DELETE', `/users/${id}/manager/$ref`)).status, 204);
    assert.equal((await call('GET', `/users/${id}/manager`)).status, 404);
  });
  test('revokeSignInSessions returns value true', async () => {
    const id = String((await call('GET', '/users/user1@example.com')).body.id);
    const r = await call('POST', `/users/${id}/revokeSignInSessions`);
    assert.equal(r.status, 200);
    assert.equal(r.body.value, true);
  });
});

describe('queries', () => {
  before(async () => {
    for (let i = 0; i < 250; i += 1) {
      const r = await call('POST', '/users', newUser(`bulk${i}`, { employeeId: `B${i}`, mail: `bulk${i}@example.com` }));
      assert.equal(r.status, 201);
    }
  });
  test('$filter eq/startswith/any with and/or, quotes escaped by doubling', async () => {
    const eq = await call('GET', `/users?$filter=${encodeURIComponent("employeeId eq 'B7'")}&$select=id,employeeId`);
    assert.deepEqual(eq.body.value?.map((u) => u.employeeId), ['B7']);
    const sw = await call('GET', `/users?$filter=${encodeURIComponent("startswith(mailNickname,'userbulk24')")}&$select=mailNickname`);
    assert.equal(sw.body.value?.length, 11);
    const any = await call('GET', `/users?$filter=${encodeURIComponent("proxyAddresses/any(x:x eq 'smtp:user1@example.com')")}&$select=mail`);
    assert.deepEqual(any.body.value?.map((u) => u.mail), ['new1@example.com']);
    const or = await call('GET', `/users?$filter=${encodeURIComponent("employeeId eq 'B1' or (employeeId eq 'B2' and mail eq 'bulk2@example.com')")}&$select=employeeId`);
    assert.equal(or.body.value?.length, 2);
    const quote = await call('GET', `/users?$filter=${encodeURIComponent("displayName eq 'O''Brien'")}`);
    assert.equal(quote.status, 200);
    const ne = await call('GET', `/users?$filter=${encodeURIComponent("employeeId ne null")}`);
    assert.equal(ne.status, 400);
    assert.equal(ne.body.error?.code, 'Request_UnsupportedQuery');
    const neAdv = await call('GET', `/users?$filter=${encodeURIComponent("employeeId ne null")}&$count=true&$top=999`, undefined, { ConsistencyLevel: 'eventual' });
    assert.equal(neAdv.status, 200);
    assert.equal(neAdv.body['@odata.count'], 251);
    const broken = await call('GET', `/users?$filter=${encodeURIComponent("employeeId eq")}`);
    assert.equal(broken.status, 400);
  });
  test('default page 100, nextLink with $skiptoken, $top limits, $skip refused', async () => {
    const seen = new Set<string>();
    let url: string | undefined = '/users?$select=id';
    let pages = 0;
    while (url) {
      const r = await call('GET', url);
      assert.equal(r.status, 200);
      for (const u of r.body.value ?? []) seen.add(String(u.id));
      url = r.body['@odata.nextLink'] as string | undefined;
      if (url) assert.match(url, /\$skiptoken=/);
      pages += 1;
    }
    const total = sim.state.liveUsers().length;
    assert.equal(seen.size, total);
    assert.equal(pages, Math.ceil(total / 100));
    const big = await call('GET', '/users?$top=1000');
    assert.equal(big.body.error?.message, "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
    const skip = await call('GET', '/users?$skip=5');
    assert.equal(skip.status, 400);
    const countNoHeader = await call('GET', '/users?$count=true');
    assert.equal(countNoHeader.status, 400);
    const sel = await call('GET', '/users?$select=nope');
    assert.equal(sel.status, 400);
  });
  test('delta: initial pages + deltaLink, then changes, soft delete (changed) and hard delete (deleted)', async () => {
    let url: string | undefined = '/users/delta?$select=displayName,employeeId';
    let deltaLink = '';
    let count = 0;
    while (url) {
      const r: Res = await call('GET', url);
      count += r.body.value?.length ?? 0;
      url = r.body['@odata.nextLink'] as string | undefined;
      if (!url) deltaLink = String(r.body['@odata.deltaLink']);
    }
    assert.equal(count, sim.state.liveUsers().length);
    assert.match(deltaLink, /\$deltatoken=/);
    const a = String((await call('GET', "/users?$filter=employeeId eq 'B10'&$select=id")).body.value?.[0]?.id);
    const b = String((await call('GET', "/users?$filter=employeeId eq 'B11'&$select=id")).body.value?.[0]?.id);
    const c = String((await call('GET', "/users?$filter=employeeId eq 'B12'&$select=id")).body.value?.[0]?.id);
    await call('PATCH', `/users/${a}`, { displayName: 'Changed A' });
    await call('DELETE', `/users/${b}`);
    await call('DELETE', `/users/${c}`);
    await call('DELETE', `/directory/deletedItems/${c}`);
    const d = await call('GET', deltaLink);
    const byId = new Map((d.body.value ?? []).map((x) => [String(x.id), x]));
    assert.equal(byId.get(a)?.displayName, 'Changed A');
    assert.equal(byId.get(a)?.employeeId, 'B10', 'the $select of the first call is kept');
    assert.deepEqual(byId.get(b)?.['@removed'], { reason: 'changed' });
    assert.deepEqual(byId.get(c)?.['@removed'], { reason: 'deleted' });
    const again = await call('GET', String(d.body['@odata.deltaLink']));
    assert.equal(again.body.value?.length, 0);
  });
});

describe('soft delete and restore', () => {
  test('delete is 204, user moves to deletedItems with a prefixed UPN, restore brings it back', async () => {
    const u = await call('POST', '/users', newUser('gone', { employeeId: 'G1' }));
    const id = String(u.body.id);
    assert.equal((await call('DELETE', `/users/${id}`)).status, 204);
    assert.equal((await call('GET', `/users/${id}`)).status, 404);
    const list = await call('GET', '/directory/deletedItems/microsoft.graph.user?$select=id,userPrincipalName,employeeId');
    const entry = list.body.value?.find((x) => x.id === id);
    assert.equal(entry?.userPrincipalName, `${id.replace(/-/g, '')}usergone@example.com`);
    // The UPN is free again while the user sits in the recycle bin.
    const other = await call('POST', '/users', newUser('gone'));
    assert.equal(other.status, 201);
    const blocked = await call('POST', `/directory/deletedItems/${id}/restore`);
    assert.equal(blocked.status, 400, 'restore conflicts with the new holder of the UPN');
    await call('DELETE', `/users/${String(other.body.id)}`);
    const restored = await call('POST', `/directory/deletedItems/${id}/restore`);
    assert.equal(restored.status, 200);
    assert.equal((await call('GET', `/users/${id}?$select=userPrincipalName`)).body.userPrincipalName, 'usergone@example.com');
  });
  test('deleted users expire after 30 days on the simulator clock', async () => {
    const u = await call('POST', '/users', newUser('expire'));
    const id = String(u.body.id);
    await call('DELETE', `/users/${id}`);
    await advance(29 * 86_400_000);
    assert.equal((await call('GET', `/directory/deletedItems/${id}`)).status, 200);
    await advance(2 * 86_400_000);
    assert.equal((await call('GET', `/directory/deletedItems/${id}`)).status, 404);
  });
});

describe('groups and licences', () => {
  test('members $ref: add 204, duplicate 400 with the documented message, list paged, memberOf, remove', async () => {
    const grp = await call('POST', '/groups', { displayName: 'Sales', mailNickname: 'sales', mailEnabled: false, securityEnabled: true });
    assert.equal(grp.status, 201);
    const gid = String(grp.body.id);
    const found = await call('GET', `/groups?$filter=${encodeURIComponent("displayName eq 'Sales'")}`);
    assert.equal(found.body.value?.[0]?.id, gid);
    const users = (await call('GET', "/users?$filter=startswith(mailNickname,'userbulk1')&$select=id")).body.value ?? [];
    for (const u of users) assert.equal((await call('POST', `/groups/${gid}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${String(u.id)}` })).status, 204);
    const dup = await call('POST', `/groups/${gid}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${String(users[0]?.id)}` });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.error?.message, "One or more added object references already exist for the following modified properties: 'members'.");
    const page1 = await call('GET', `/groups/${gid}/members?$select=id&$top=50`);
    assert.equal(page1.body.value?.length, 50);
    const page2 = await call('GET', String(page1.body['@odata.nextLink']));
    assert.equal(page2.body.value?.length, users.length - 50);
    const mo = await call('GET', `/users/${String(users[0]?.id)}/memberOf`);
    assert.equal(mo.body.value?.[0]?.displayName, 'Sales');
    assert.equal((await call('DELETE', `/groups/${gid}/members/${String(users[0]?.id)}/$ref`)).status, 204);
    assert.equal((await call('DELETE', `/groups/${gid}/members/${String(users[0]?.id)}/$ref`)).status, 404);
  });
  test('assignLicense: usage location required, seats counted, no seats, remove, licenseDetails, subscribedSkus', async () => {
    const ids = (await call('GET', "/users?$filter=startswith(mailNickname,'userbulk20')&$select=id")).body.value?.map((u) => String(u.id)) ?? [];
    const noLoc = await call('POST', `/users/${ids[0]}/assignLicense`, { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] });
    assert.equal(noLoc.status, 400);
    assert.equal(noLoc.body.error?.message, 'License assignment cannot be done for user with invalid usage location.');
    for (const id of ids.slice(0, 3)) await call('PATCH', `/users/${id}`, { usageLocation: 'DE' });
    assert.equal((await call('POST', `/users/${ids[0]}/assignLicense`, { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] })).status, 200);
    assert.equal((await call('POST', `/users/${ids[1]}/assignLicense`, { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] })).status, 200);
    const full = await call('POST', `/users/${ids[2]}/assignLicense`, { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] });
    assert.equal(full.status, 400);
    assert.match(String(full.body.error?.message), /does not have any available licenses/);
    const skus = await call('GET', '/subscribedSkus');
    const e3 = skus.body.value?.find((s) => s.skuPartNumber === 'SPE_E3');
    assert.equal(e3?.consumedUnits, 2);
    assert.equal((e3?.prepaidUnits as Record<string, number>).enabled, 2);
    const details = await call('GET', `/users/${ids[0]}/licenseDetails`);
    assert.equal(details.body.value?.[0]?.skuPartNumber, 'SPE_E3');
    const swap = await call('POST', `/users/${ids[0]}/assignLicense`, { addLicenses: [{ skuId: F1, disabledPlans: [] }], removeLicenses: [E3] });
    assert.equal(swap.status, 200);
    const notHeld = await call('POST', `/users/${ids[0]}/assignLicense`, { addLicenses: [], removeLicenses: [E3] });
    assert.equal(notHeld.status, 400);
    assert.equal((await call('POST', `/users/${ids[2]}/assignLicense`, { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] })).status, 200, 'the freed seat is usable');
  });
});

describe('$batch and throttling', () => {
  test('batch: dependsOn, 424 on failed dependency, reordered responses matched by id', async () => {
    const r = await call('POST', '/$batch', {
      requests: [
        { id: '1', method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser('batch1') },
        { id: '2', method: 'GET', url: '/users/userbatch1@example.com?$select=id', dependsOn: ['1'] },
        { id: '3', method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser('batch1') },
        { id: '4', method: 'PATCH', url: '/users/userbatch1@example.com', headers: { 'Content-Type': 'application/json' }, body: { jobTitle: 'x' }, dependsOn: ['3'] },
      ],
    });
    assert.equal(r.status, 200);
    const res = r.body.responses as { id: string; status: number; body?: Res['body'] }[];
    assert.notDeepEqual(res.map((x) => x.id), ['1', '2', '3', '4']);
    const by = new Map(res.map((x) => [x.id, x]));
    assert.equal(by.get('1')?.status, 201);
    assert.equal(by.get('2')?.status, 200);
    assert.equal(by.get('3')?.status, 400);
    assert.equal(by.get('4')?.status, 424);
  });
  test('batch limits: > 20 requests, duplicate ids, missing Content-Type', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users?$top=1' }));
    assert.equal((await call('POST', '/$batch', { requests: many })).status, 400);
    assert.equal((await call('POST', '/$batch', { requests: [{ id: 'a', method: 'GET', url: '/users' }, { id: 'a', method: 'GET', url: '/users' }] })).status, 400);
    assert.equal((await call('POST', '/$batch', { requests: [{ id: 'a', method: 'POST', url: '/users', body: newUser('nohdr') }] })).status, 400);
  });
  test('throttling: 429 TooManyRequests with Retry-After, per item inside $batch, then recovery', async () => {
    sim.setThrottle({ limit: 5, windowSeconds: 2 });
    try {
      const statuses: number[] = [];
      let retryAfter = '';
      let body: Res['body'] | undefined;
      for (let i = 0; i < 7; i += 1) {
        const r = await call('GET', '/users?$top=1');
        statuses.push(r.status);
        if (r.status === 429) { retryAfter = r.headers.get('retry-after') ?? ''; body = r.body; }
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      assert.match(retryAfter, /^[12]$/);
      assert.equal(body?.error?.code, 'TooManyRequests');
      assert.match(String(body?.error?.message), /Please try again later/);
      await new Promise((r) => setTimeout(r, Number(retryAfter) * 1000));
      const b = await call('POST', '/$batch', { requests: Array.from({ length: 7 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users?$top=1' })) });
      const items = b.body.responses as { id: string; status: number; headers: Record<string, string> }[];
      assert.equal(items.filter((x) => x.status === 200).length, 5);
      const throttled = items.filter((x) => x.status === 429);
      assert.equal(throttled.length, 2);
      assert.ok(Number(throttled[0]?.headers['retry-after']) >= 1);
    } finally {
      sim.setThrottle(undefined);
    }
  });
  test('fault switches: 503 with Retry-After, then normal', async () => {
    sim.faults.serverErrors = 1;
    const r = await call('GET', '/users?$top=1');
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.equal((await call('GET', '/users?$top=1')).status, 200);
  });
});
