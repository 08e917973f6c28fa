/**
 * The conformance suite every target connector must pass (SQL, AD, Entra, SCIM), against its real server
 * or a faithful simulator. Tests are registered with node:test and driven by `connector.capabilities`.
 *
 * Usage, in an integration test file:
 * ```ts
 * runConformanceSuite('sql (sqlite)', async () => makeSqliteHarness(), { listSize: 120, pageSize: 25 });
 * ```
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AccountState } from '../../core/model.js';
import { sameValue } from '../contract.js';
import type { TargetConnector } from '../contract.js';
import { assertAttributes, assertOk } from './assertions.js';
import {
  applySafely, createChanges, desiredFor, diffAttributes, makeCtx, makeOp, sameContainer,
} from './helpers.js';
import type { ConformanceSample } from './helpers.js';
import { registerHelpdeskTests } from './suite-helpdesk.js';
import { registerReadTests } from './suite-reads.js';
import type { ConformanceHarness, ConformanceOptions, InspectedAccount } from './types.js';

export type { ConformanceHarness, ConformanceOptions, InspectedAccount } from './types.js';

/** Register the conformance tests for one connector. */
export function runConformanceSuite(label: string, makeHarness: () => Promise<ConformanceHarness>, opts: ConformanceOptions = {}): void {
  const listSize = opts.listSize ?? 120;

  describe(`target conformance: ${label}`, () => {
    let h: ConformanceHarness;
    let c: TargetConnector;

    before(async () => {
      h = await makeHarness();
      c = h.connector;
    });
    after(async () => {
      if (!h) return;
      try {
        await h.connector.close();
      } finally {
        await h.cleanup();
      }
    });

    /** Create the sample's account and return its anchor. */
    const create = async (s: ConformanceSample, o: { enabled?: boolean } = {}): Promise<string> => {
      const desired = desiredFor(c.name, s, o);
      const r = await applySafely(c, makeOp(c.name, 'create', s.personId, { changes: createChanges(s.attributes), enabled: desired.enabled }), makeCtx({ desired }));
      assertOk(r, `create ${s.personId}`);
      assert.equal(typeof r.anchor, 'string', 'create must return the anchor');
      assert.ok(r.anchor && r.anchor.length > 0, 'create must return a non-empty anchor');
      return r.anchor;
    };
    const mustInspect = async (anchor: string): Promise<InspectedAccount> => {
      const a = await h.inspect(anchor);
      assert.ok(a, `account ${anchor} should exist in the backend`);
      return a;
    };
    const findByPerson = (personId: string): Promise<readonly AccountState[]> =>
      c.find({ attribute: c.correlationAttribute, value: personId });

    test('create returns the anchor; the backend holds attributes, enabled flag and container', async () => {
      const s = h.sample(1);
      const desired = desiredFor(c.name, s);
      const r = await applySafely(c, makeOp(c.name, 'create', s.personId, { changes: createChanges(s.attributes) }), makeCtx({ desired }));
      assertOk(r, 'create');
      assert.ok(typeof r.anchor === 'string' && r.anchor.length > 0, 'create must return a non-empty anchor');
      if (r.state) assert.equal(r.state.anchor, r.anchor, 'returned state belongs to the returned anchor');
      const a = await mustInspect(r.anchor);
      assertAttributes(a.attributes, s.attributes, 'after create');
      assert.equal(a.enabled, true, 'created enabled');
      if (c.capabilities.supportsMove && s.container !== undefined) {
        assert.ok(sameContainer(a.container, s.container), `container ${a.container} should be ${s.container}`);
      }
    });

    test('create of a disabled account (pre-hire) stays disabled (exists at least, without supportsEnable)', async () => {
      const s = h.sample(2);
      const anchor = await create(s, { enabled: false });
      const a = await mustInspect(anchor);
      if (c.capabilities.supportsEnable) assert.equal(a.enabled, false);
    });

    test('replaying the same create after success does not duplicate', async () => {
      const s = h.sample(3);
      const op = makeOp(c.name, 'create', s.personId, { changes: createChanges(s.attributes) });
      const ctx = makeCtx({ desired: desiredFor(c.name, s) });
      const r1 = await applySafely(c, op, ctx);
      assertOk(r1, 'first create');
      const r2 = await applySafely(c, op, ctx);
      assertOk(r2, 'replayed create');
      assert.equal(r2.anchor, r1.anchor, 'the replay returns the same anchor');
      const found = await findByPerson(s.personId);
      assert.equal(found.length, 1, 'exactly one account for the person');
      assert.equal(found[0]?.anchor, r1.anchor);
    });

    test('create after a crash that lost the result adopts the account by correlation', async () => {
      const s = h.sample(4);
      const lost = await applySafely(c, makeOp(c.name, 'create', s.personId, { changes: createChanges(s.attributes) }), makeCtx({ desired: desiredFor(c.name, s) }));
      assertOk(lost, 'create whose result is then lost');
      // The executor resumes with a fresh operation and no known anchor or state.
      const resumed = await applySafely(c, makeOp(c.name, 'create', s.personId, { changes: createChanges(s.attributes) }), makeCtx({ desired: desiredFor(c.name, s) }));
      assertOk(resumed, 'resumed create');
      assert.equal(resumed.anchor, lost.anchor, 'same anchor, not a second account');
      assert.equal((await findByPerson(s.personId)).length, 1, 'exactly one account for the person');
      assertAttributes((await mustInspect(lost.anchor as string)).attributes, s.attributes, 'after resumed create');
    });

    test('update changes only the changed attributes', async () => {
      const s = h.sample(5);
      const u = h.sample(5, 'updated');
      const anchor = await create(s);
      const changes = diffAttributes(s.attributes, u.attributes);
      assert.ok(changes.length > 0, "harness: sample(i, 'updated') must differ from sample(i)");
      const [firstChange, ...rest] = changes;
      if (!firstChange) return;
      const r1 = await applySafely(c, makeOp(c.name, 'update', s.personId, { anchor, changes: [firstChange] }), makeCtx());
      assertOk(r1, 'update of one attribute');
      const a1 = await mustInspect(anchor);
      assert.ok(sameValue(a1.attributes[firstChange.attribute], firstChange.to ?? null), `${firstChange.attribute} updated`);
      const untouched = Object.fromEntries(Object.entries(s.attributes).filter(([k]) => k !== firstChange.attribute));
      assertAttributes(a1.attributes, untouched, 'attributes not in the change');
      if (rest.length > 0) {
        assertOk(await applySafely(c, makeOp(c.name, 'update', s.personId, { anchor, changes: rest }), makeCtx()), 'update of the rest');
      }
      assertAttributes((await mustInspect(anchor)).attributes, u.attributes, 'after all updates');
      // Same update again: idempotent.
      assertOk(await applySafely(c, makeOp(c.name, 'update', s.personId, { anchor, changes }), makeCtx()), 'repeated update');
      assertAttributes((await mustInspect(anchor)).attributes, u.attributes, 'after repeated update');
    });

    /** A capability the target does not declare: the action must not throw, and may only fail with a coded error. */
    const unsupported = async (action: 'rename' | 'move' | 'disable' | 'grant', i: number): Promise<void> => {
      const s = h.sample(i);
      const anchor = await create(s);
      const op = makeOp(c.name, action, s.personId, {
        anchor,
        ...(action === 'grant' ? { entitlement: 'cadre-conformance-unsupported' } : {}),
        ...(action === 'move' ? { changes: [{ attribute: 'container', from: null, to: 'elsewhere' }] } : {}),
      });
      const r = await c.apply(op, makeCtx());
      if (!r.ok) assert.match(r.error.code, /^[A-Z][A-Z0-9_]+$/, `${action} without the capability fails with a coded error`);
      assert.ok(await h.inspect(anchor), `the account survives an unsupported ${action}`);
    };

    test('rename keeps the anchor (without supportsRename: no throw, coded error at most)', async () => {
      if (!c.capabilities.supportsRename) return unsupported('rename', 6);
      const s = h.sample(6);
      const renamed = h.sample(6, 'renamed');
      const anchor = await create(s);
      const changes = diffAttributes(s.attributes, renamed.attributes);
      assert.ok(changes.length > 0, "harness: sample(i, 'renamed') must differ from sample(i)");
      const r = await applySafely(c, makeOp(c.name, 'rename', s.personId, { anchor, changes }), makeCtx({ desired: desiredFor(c.name, renamed) }));
      assertOk(r, 'rename');
      if (r.anchor !== undefined) assert.equal(r.anchor, anchor, 'rename keeps the anchor');
      assertAttributes((await mustInspect(anchor)).attributes, renamed.attributes, 'after rename');
      const found = await findByPerson(s.personId);
      assert.deepEqual(found.map((f) => f.anchor), [anchor]);
    });

    test('move to another container keeps the anchor; repeating it is harmless (or graceful without supportsMove)', async () => {
      if (!c.capabilities.supportsMove) return unsupported('move', 7);
      const s = h.sample(7);
      assert.ok(s.container !== undefined && s.altContainer !== undefined, 'harness: a target with supportsMove must give container and altContainer');
      const anchor = await create(s);
      const desired = desiredFor(c.name, s, { container: s.altContainer });
      const move = makeOp(c.name, 'move', s.personId, {
        anchor,
        changes: [{ attribute: 'container', from: s.container, to: s.altContainer }],
      });
      assertOk(await applySafely(c, move, makeCtx({ desired })), 'move');
      const a = await mustInspect(anchor);
      assert.ok(sameContainer(a.container, s.altContainer), `container ${a.container} should be ${s.altContainer}`);
      assertAttributes(a.attributes, s.attributes, 'after move');
      assertOk(await applySafely(c, move, makeCtx({ desired })), 'repeated move');
      assert.ok(sameContainer((await mustInspect(anchor)).container, s.altContainer));
    });

    test('disable and enable (each idempotent; graceful without supportsEnable)', async () => {
      if (!c.capabilities.supportsEnable) return unsupported('disable', 8);
      const s = h.sample(8);
      const anchor = await create(s);
      for (const [i, action] of (['disable', 'disable'] as const).entries()) {
        const r = await applySafely(c, makeOp(c.name, action, s.personId, { anchor }), makeCtx());
        assertOk(r, action);
        assert.equal((await mustInspect(anchor)).enabled, false, `after ${action}`);
        // An account found disabled already (locked by hand) is reported unchanged, so the engine never records it as
        // Cadre's disable (a rehire would otherwise enable a lock again).
        assert.equal(r.ok && r.unchanged === true, i === 1, i === 1 ? 'the second disable reports unchanged' : 'the first disable changed it');
      }
      assert.equal((await findByPerson(s.personId))[0]?.enabled, false, 'find reports the disabled state');
      for (const action of ['enable', 'enable'] as const) {
        assertOk(await applySafely(c, makeOp(c.name, action, s.personId, { anchor }), makeCtx()), action);
        assert.equal((await mustInspect(anchor)).enabled, true, `after ${action}`);
      }
      assertAttributes((await mustInspect(anchor)).attributes, s.attributes, 'enable/disable leave attributes alone');
    });

    test('grant two entitlements, grant again, revoke, revoke again (graceful without supportsEntitlements)', async () => {
      if (!c.capabilities.supportsEntitlements) return unsupported('grant', 9);
      const s = h.sample(9);
      const [e1, e2] = s.entitlements;
      assert.ok(e1 && e2, 'harness: sample must name at least two entitlements');
      const anchor = await create(s);
      const grant = (e: string): ReturnType<typeof applySafely> => applySafely(c, makeOp(c.name, 'grant', s.personId, { anchor, entitlement: e }), makeCtx());
      const revoke = (e: string): ReturnType<typeof applySafely> => applySafely(c, makeOp(c.name, 'revoke', s.personId, { anchor, entitlement: e }), makeCtx());
      assertOk(await grant(e1), `grant ${e1}`);
      assertOk(await grant(e2), `grant ${e2}`);
      let a = await mustInspect(anchor);
      assert.ok(a.entitlements.includes(e1) && a.entitlements.includes(e2), `holds ${e1} and ${e2}: ${a.entitlements.join(', ')}`);
      assertOk(await grant(e1), `repeated grant ${e1}`);
      a = await mustInspect(anchor);
      assert.equal(a.entitlements.filter((e) => e === e1).length, 1, 'a repeated grant does not duplicate the membership');
      const found = await findByPerson(s.personId);
      assert.ok(found[0]?.entitlements.includes(e1) && found[0].entitlements.includes(e2), 'find reports managed entitlements');
      assertOk(await revoke(e1), `revoke ${e1}`);
      a = await mustInspect(anchor);
      assert.ok(!a.entitlements.includes(e1), `${e1} revoked`);
      assert.ok(a.entitlements.includes(e2), `${e2} kept`);
      assertOk(await revoke(e1), `repeated revoke ${e1}`);
      assert.deepEqual((await mustInspect(anchor)).entitlements.filter((e) => e === e1 || e === e2), [e2]);
    });

    test('delete removes the account; deleting a missing account is ok', async () => {
      const s = h.sample(10);
      const anchor = await create(s);
      if (c.capabilities.supportsEntitlements && s.entitlements[0]) {
        assertOk(await applySafely(c, makeOp(c.name, 'grant', s.personId, { anchor, entitlement: s.entitlements[0] }), makeCtx()), 'grant before delete');
      }
      const del = makeOp(c.name, 'delete', s.personId, { anchor });
      assertOk(await applySafely(c, del, makeCtx()), 'delete');
      if (!c.capabilities.softDelete) assert.equal(await h.inspect(anchor), undefined, 'account gone');
      assert.equal((await findByPerson(s.personId)).length, 0, 'find no longer returns it');
      assertOk(await applySafely(c, del, makeCtx()), 'repeated delete');
      const ghost = h.sample(11_000);
      assertOk(await applySafely(c, makeOp(c.name, 'delete', ghost.personId), makeCtx()), 'delete of a person without account');
    });

    test('correlation: find returns exactly the account; unknown returns nothing', async () => {
      const s = h.sample(11);
      const anchor = await create(s);
      const found = await findByPerson(s.personId);
      assert.equal(found.length, 1);
      const [f] = found;
      assert.equal(f?.anchor, anchor);
      assert.equal(f?.correlation, s.personId, 'state.correlation is the person id');
      assert.equal(f?.target, c.name);
      assertAttributes(f?.attributes ?? {}, s.attributes, 'find state');
      assert.deepEqual(await findByPerson(`unknown-${randomUUID().slice(0, 8)}`), []);
    });

    test('adopt: confirms an existing account by its anchor, and stamps the correlation value it carries', async () => {
      const s = h.sample(20);
      const anchor = await create(s);
      assertOk(await applySafely(c, makeOp(c.name, 'adopt', s.personId, { anchor }), makeCtx()), 'adopt without changes');
      const next = h.sample(21).personId;
      const stamp = makeOp(c.name, 'adopt', next, { anchor, changes: [{ attribute: c.correlationAttribute, from: s.personId, to: next }] });
      assertOk(await applySafely(c, stamp, makeCtx()), 'adopt with a correlation stamp');
      assert.deepEqual((await findByPerson(next)).map((a) => a.anchor), [anchor], 'found by the stamped value');
      assert.deepEqual(await findByPerson(s.personId), [], 'no longer by the old one');
    });

    registerReadTests({ harness: () => h, create, mustInspect, listSize, opts });
    registerHelpdeskTests({ harness: () => h, create, mustInspect, listSize, opts });
  });
}
