import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMapping, ENTERPRISE_URN, newResource, parsePath, patchOperations, readPath, replacedResource } from './map.js';

test('parsePath: core, typed multi-valued, enterprise short and with URN', () => {
  assert.deepEqual(parsePath('userName'), { kind: 'core', attr: 'userName' });
  assert.deepEqual(parsePath('name.givenName'), { kind: 'core', attr: 'name', sub: 'givenName' });
  assert.deepEqual(parsePath('emails[type eq "work"].value'), { kind: 'multi', attr: 'emails', key: 'type', keyValue: 'work', sub: 'value' });
  assert.deepEqual(parsePath('department'), { kind: 'ext', urn: ENTERPRISE_URN, attr: 'department' });
  assert.deepEqual(parsePath('manager'), { kind: 'ext', urn: ENTERPRISE_URN, attr: 'manager', sub: 'value' });
  assert.deepEqual(parsePath(`${ENTERPRISE_URN}:costCenter`), { kind: 'ext', urn: ENTERPRISE_URN, attr: 'costCenter' });
  assert.equal(parsePath('emails[type eq work].value'), undefined);
  assert.equal(parsePath('a b'), undefined);
});

test('buildMapping refuses unknown paths, read-only attributes and active', () => {
  assert.throws(() => buildMapping('s', ['id'], 'externalId'), /read-only/);
  assert.throws(() => buildMapping('s', ['active'], 'externalId'), /enable\/disable/);
  assert.throws(() => buildMapping('s', ['x y'], 'externalId'), /not a SCIM attribute path/);
});

const m = buildMapping('s', ['userName', 'name.familyName', 'emails[type eq "work"].value', 'department', 'manager'], 'externalId');

test('newResource: nested core, typed email, enterprise object with its schema', () => {
  const r = newResource(m, { userName: 'a', 'name.familyName': 'F', 'emails[type eq "work"].value': 'a@x', department: 'D', manager: 'm1' }, 'p1', false);
  assert.deepEqual(r, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_URN], active: false, userName: 'a', name: { familyName: 'F' },
    emails: [{ type: 'work', value: 'a@x' }], [ENTERPRISE_URN]: { department: 'D', manager: { value: 'm1' } }, externalId: 'p1',
  });
  assert.equal(readPath(r, parsePath('manager') as NonNullable<ReturnType<typeof parsePath>>), 'm1');
});

test('patchOperations: replace/remove per path; a typed email keeps the other types', () => {
  const current = { id: 'u', emails: [{ type: 'home', value: 'h@x' }, { type: 'work', value: 'old@x' }] };
  const ops = patchOperations(m, [
    { attribute: 'name.familyName', from: 'A', to: 'B' },
    { attribute: 'department', from: 'D', to: null },
    { attribute: 'manager', from: null, to: 'm2' },
    { attribute: 'emails[type eq "work"].value', from: 'old@x', to: 'new@x' },
    { attribute: 'externalId', from: 'p1', to: 'p2' },
  ], current);
  assert.deepEqual(ops, [
    { op: 'replace', path: 'name.familyName', value: 'B' },
    { op: 'remove', path: `${ENTERPRISE_URN}:department` },
    { op: 'replace', path: `${ENTERPRISE_URN}:manager`, value: { value: 'm2' } },
    { op: 'replace', path: 'emails', value: [{ type: 'home', value: 'h@x' }, { type: 'work', value: 'new@x' }] },
    { op: 'replace', path: 'externalId', value: 'p2' },
  ]);
});

test('replacedResource: read-only attributes dropped, changes and active applied', () => {
  const cur = { schemas: ['x'], id: 'u', meta: { version: 'W/"1"' }, groups: [{ value: 'g' }], userName: 'a', active: true, [ENTERPRISE_URN]: { department: 'D' } };
  assert.deepEqual(replacedResource(m, cur, [{ attribute: 'department', from: 'D', to: 'E' }], false), {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_URN], userName: 'a', active: false, [ENTERPRISE_URN]: { department: 'E' },
  });
});

test('scimAttributeProblems: cadre validate names the attributes that are not SCIM paths', async () => {
  const { scimAttributeProblems } = await import('./map.js');
  assert.deepEqual(scimAttributeProblems(['userName', 'emails[type eq "work"].value', 'x y', 'active']).map((p) => p.path.join('.')), ['attributes.x y', 'attributes.active']);
});
