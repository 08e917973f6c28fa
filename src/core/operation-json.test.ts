import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeOp } from './diff.js';
import type { Operation } from './model.js';
import { operationFromJson } from './operation-json.js';

// Journal rows exactly as the previous planner (`data` bag, before the typed operations) wrote them.
const OLD_CREATE = '{"id":"505fea88e151fe50","target":"ad","action":"create","personId":"1","changes":[{"attribute":"sAMAccountName","to":"emuster"}],"reason":{"kind":"lifecycle","source":"prehire","detail":"hire date 2024-06-10 is 9 day(s) ahead: account prepared, disabled until then"},"dependsOn":[],"data":{"enabled":false,"container":"OU=Berlin,DC=ex,DC=com","password":true,"id.mail":"erika.muster@example.com","id.username":"emuster"}}';
const OLD_DISABLE = '{"id":"e0395fbb58569a82","target":"ad","action":"disable","personId":"2","anchor":"g2","changes":[{"attribute":"enabled","from":true,"to":false}],"reason":{"kind":"lifecycle","source":"terminated","detail":"end date has passed"},"dependsOn":[],"data":{"endDate":"2024-05-30","lifecycle":"terminated"}}';
const OLD_JOINER = '{"id":"5bd7bcf8db581711","target":"notify","action":"notify","personId":"1","changes":[],"reason":{"kind":"lifecycle","source":"joiner","detail":"accounts created"},"dependsOn":["505fea88e151fe50","3a759ff4f8e42e60"],"data":{"event":"joiner","to":["it@example.com","manager"],"targets":["ad","sql"]}}';
const OLD_LEAVER = '{"id":"d38e5e27e915c42b","target":"notify","action":"notify","personId":"2","changes":[],"reason":{"kind":"lifecycle","source":"leaver","detail":"accounts disabled"},"dependsOn":["e0395fbb58569a82"],"data":{"event":"leaver","to":["it@example.com","manager"],"targets":["ad"],"endDate":"2024-05-30"}}';
const OLD_ADOPT = '{"id":"a1","target":"ad","action":"adopt","personId":"3","anchor":"g3","changes":[],"reason":{"kind":"correlation","source":"crash-recovery","detail":"linked"},"dependsOn":[],"data":{"resumed":true}}';

const parse = (json: string): Operation => operationFromJson(JSON.parse(json));

describe('operationFromJson', () => {
  test('an old create row: enabled, container, password and id.<kind> become typed fields', () => {
    const op = parse(OLD_CREATE);
    assert.equal(op.action, 'create');
    assert.deepEqual(op, {
      id: '505fea88e151fe50', target: 'ad', action: 'create', personId: '1',
      changes: [{ attribute: 'sAMAccountName', to: 'emuster' }],
      reason: { kind: 'lifecycle', source: 'prehire', detail: 'hire date 2024-06-10 is 9 day(s) ahead: account prepared, disabled until then' },
      dependsOn: [], enabled: false, container: 'OU=Berlin,DC=ex,DC=com', password: true,
      identifiers: { mail: 'erika.muster@example.com', username: 'emuster' },
    });
    assert.ok(!('data' in op), 'no data bag');
  });

  test('old disable, adopt and notify rows read as the planner writes them now (same ids, same fields)', () => {
    const reason = { kind: 'lifecycle', source: 'terminated', detail: 'end date has passed' } as const;
    const disable = makeOp({ target: 'ad', action: 'disable', personId: '2', anchor: 'g2', changes: [{ attribute: 'enabled', from: true, to: false }], reason, endDate: '2024-05-30', lifecycle: 'terminated' });
    assert.deepEqual(parse(OLD_DISABLE), disable);
    assert.equal(disable.id, 'e0395fbb58569a82', 'the id formula is unchanged');
    const joiner = makeOp({
      target: 'notify', action: 'notify', personId: '1', changes: [], reason: { kind: 'lifecycle', source: 'joiner', detail: 'accounts created' },
      dependsOn: ['505fea88e151fe50', '3a759ff4f8e42e60'], event: 'joiner', to: ['it@example.com', 'manager'], targets: ['ad', 'sql'],
    });
    assert.deepEqual(parse(OLD_JOINER), joiner);
    assert.equal(joiner.id, '5bd7bcf8db581711');
    const leaver = parse(OLD_LEAVER);
    assert.ok(leaver.action === 'notify');
    assert.equal(leaver.event, 'leaver');
    assert.equal(leaver.endDate, '2024-05-30');
    assert.deepEqual(leaver.to, ['it@example.com', 'manager']);
    const adopt = parse(OLD_ADOPT);
    assert.ok(adopt.action === 'adopt' && adopt.resumed === true);
  });

  test('old odd values: a single recipient string, an unknown event (sent as a mover mail), a disable reason, a via', () => {
    const notify = operationFromJson({ id: 'n', target: 'notify', action: 'notify', personId: '1', changes: [], reason: { kind: 'lifecycle', source: 'x', detail: '' }, dependsOn: [], data: { event: 'party', to: 'it@example.com' } });
    assert.ok(notify.action === 'notify');
    assert.equal(notify.event, 'mover');
    assert.deepEqual(notify.to, ['it@example.com']);
    assert.deepEqual(notify.targets, []);
    const disable = operationFromJson({ id: 'd', target: 'ad', action: 'disable', personId: '1', changes: [], reason: { kind: 'manual', source: 'x', detail: '' }, dependsOn: [], data: { reason: 'left the company', lifecycle: 'nonsense' } });
    assert.deepEqual(disable.action === 'disable' ? [disable.description, disable.lifecycle] : [], ['left the company', undefined]);
    const adopt = operationFromJson({ id: 'a', target: 'ad', action: 'adopt', personId: '1', anchor: 'g', changes: [], reason: { kind: 'correlation', source: 'x', detail: '' }, dependsOn: [], data: { via: 'mail' } });
    assert.deepEqual(adopt.action === 'adopt' ? [adopt.via, adopt.resumed] : [], ['mail', undefined]);
  });

  test('rows of the current shape come back as they were written', () => {
    for (const op of [parse(OLD_CREATE), parse(OLD_DISABLE), parse(OLD_JOINER), parse(OLD_ADOPT)]) {
      assert.deepEqual(operationFromJson(JSON.parse(JSON.stringify(op))), op);
    }
    const grant = makeOp({ target: 'ad', action: 'grant', personId: '1', anchor: 'g', changes: [], entitlement: 'GG-All', reason: { kind: 'rule', source: 'all', detail: '' } });
    assert.deepEqual(operationFromJson(JSON.parse(JSON.stringify(grant))), grant);
  });

  test('a value that is no operation is refused', () => {
    for (const bad of [null, 'op', [], {}, { id: 'x', action: 'create' }]) assert.throws(() => operationFromJson(bad), TypeError);
  });
});
