/**
 * The conformance suite's read-side tests (identifier checks, paged listing, references, coded failures),
 * registered by {@link runConformanceSuite} inside its describe block.
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountState } from '../../core/model.js';
import { sameValue } from '../contract.js';
import { assertAttributes, assertCodedFailure, assertOk } from './assertions.js';
import { applySafely, diffAttributes, makeCtx, makeOp, mapLimit } from './helpers.js';
import type { ConformanceSample } from './helpers.js';
import type { ConformanceHarness, ConformanceOptions, InspectedAccount } from './types.js';

/** What the read-side tests share with the rest of the suite; the harness exists only once `before` ran. */
export interface SuiteScope {
  readonly harness: () => ConformanceHarness;
  readonly create: (s: ConformanceSample) => Promise<string>;
  readonly mustInspect: (anchor: string) => Promise<InspectedAccount>;
  readonly listSize: number;
  readonly opts: ConformanceOptions;
}

/** Register the read-side conformance tests. */
export function registerReadTests(scope: SuiteScope): void {
  const { create, mustInspect, listSize, opts } = scope;
  test('isFree: used values (also of disabled accounts) are taken, unused ones are free', async () => {
    const h = scope.harness();
    const c = h.connector;
    const s = h.sample(12);
    const anchor = await create(s);
    if (c.capabilities.supportsEnable) {
      assertOk(await applySafely(c, makeOp(c.name, 'disable', s.personId, { anchor }), makeCtx()), 'disable');
    }
    const fromConnector = Object.values(c.identifierAttributes ?? {}).flat();
    const attrs = h.identifierAttributes ?? (fromConnector.length > 0 ? fromConnector : [c.correlationAttribute]);
    let checked = 0;
    for (const attr of new Set(attrs)) {
      const value = attr === c.correlationAttribute && s.attributes[attr] === undefined ? s.personId : s.attributes[attr];
      if (typeof value !== 'string' || value.length === 0) continue;
      checked++;
      assert.equal(await c.isFree(attr, value), false, `${attr}=${value} is taken`);
      if (h.caseInsensitive !== false && value.toUpperCase() !== value) {
        assert.equal(await c.isFree(attr, value.toUpperCase()), false, `${attr}=${value.toUpperCase()} is taken (case-insensitive)`);
      }
      assert.equal(await c.isFree(attr, `free${randomUUID().slice(0, 8)}`), true, `${attr}: an unused value is free`);
    }
    assert.ok(checked > 0, 'harness: no identifier attribute with a string value to check');
  });

  test(`list() pages through every account exactly once (${listSize} accounts)`, async () => {
    const h = scope.harness();
    const c = h.connector;
    const samples = Array.from({ length: listSize }, (_, i) => h.sample(1000 + i));
    const e1 = samples[0]?.entitlements[0];
    const anchors = await mapLimit(samples, Math.max(1, c.concurrency), async (s, i) => {
      const anchor = await create(s);
      if (c.capabilities.supportsEntitlements && e1 && i % 7 === 0) {
        assertOk(await applySafely(c, makeOp(c.name, 'grant', s.personId, { anchor, entitlement: e1 }), makeCtx()), 'grant');
      }
      return anchor;
    });
    const seen = new Map<string, AccountState>();
    let pages = 0;
    for await (const page of c.list()) {
      pages++;
      if (opts.pageSize !== undefined) assert.ok(page.length <= opts.pageSize, `page of ${page.length} exceeds pageSize ${opts.pageSize}`);
      for (const st of page) {
        assert.ok(!seen.has(st.anchor), `anchor ${st.anchor} listed twice`);
        seen.set(st.anchor, st);
      }
    }
    if (opts.pageSize !== undefined && listSize > opts.pageSize) assert.ok(pages >= 2, `expected several pages, got ${pages}`);
    anchors.forEach((anchor, i) => {
      const st = seen.get(anchor);
      const s = samples[i] as (typeof samples)[number];
      assert.ok(st, `account ${anchor} (${s.personId}) missing from list()`);
      assert.equal(st.correlation, s.personId);
      assertAttributes(st.attributes, s.attributes, `listed ${s.personId}`);
      if (c.capabilities.supportsEntitlements && e1) {
        assert.equal(st.entitlements.includes(e1), i % 7 === 0, `listed entitlements of ${s.personId}`);
      }
    });
  });

  test('reference values (ref:<personId>) resolve to the other account through resolveAnchor', async () => {
    const h = scope.harness();
    const c = h.connector;
    const attr = h.referenceAttribute;
    assert.ok(attr !== undefined, 'harness: name the reference attribute (e.g. manager) so ref: resolution is tested');
    const boss = h.sample(14);
    const report = h.sample(15);
    const bossAnchor = await create(boss);
    const anchor = await create(report);
    const anchors = new Map([[boss.personId, bossAnchor]]);
    const op = makeOp(c.name, 'update', report.personId, { anchor, changes: [{ attribute: attr, from: null, to: `ref:${boss.personId}` }] });
    assertOk(await applySafely(c, op, makeCtx({ anchors })), 'update with a reference');
    const expected = h.referenceValue ? await h.referenceValue(bossAnchor) : bossAnchor;
    assert.ok(sameValue((await mustInspect(anchor)).attributes[attr], expected), `${attr} points at the referenced account`);
    const dangling = makeOp(c.name, 'update', report.personId, { anchor, changes: [{ attribute: attr, from: null, to: 'ref:no-such-person' }] });
    assertCodedFailure(await applySafely(c, dangling, makeCtx({ anchors })), 'reference to a person without account');
    assert.ok(sameValue((await mustInspect(anchor)).attributes[attr], expected), 'a failed reference update changes nothing');
  });

  test('expected failures are coded results, not exceptions', async () => {
    const h = scope.harness();
    const c = h.connector;
    const s = h.sample(13);
    const missing = h.missingAnchor ?? randomUUID();
    assertCodedFailure(await applySafely(c, makeOp(c.name, 'update', s.personId, {
      anchor: missing, changes: diffAttributes(s.attributes, h.sample(13, 'updated').attributes),
    }), makeCtx()), 'update of a missing account');
    if (c.capabilities.supportsEnable) {
      assertCodedFailure(await applySafely(c, makeOp(c.name, 'disable', s.personId, { anchor: missing }), makeCtx()), 'disable of a missing account');
    }
    if (c.capabilities.supportsEntitlements && s.entitlements[0]) {
      assertCodedFailure(await applySafely(c, makeOp(c.name, 'grant', s.personId, { anchor: missing, entitlement: s.entitlements[0] }), makeCtx()), 'grant to a missing account');
    }
    if (!c.capabilities.supportsPassword) {
      const anchor = await create(s);
      const r = await applySafely(c, makeOp(c.name, 'setPassword', s.personId, { anchor }), { ...makeCtx(), secret: 'N0t-Logged!' });
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'NOT_SUPPORTED');
        assert.ok(!r.error.message.includes('N0t-Logged!'), 'the secret never appears in an error');
      }
    }
    assert.equal(await h.inspect(missing), undefined, 'no account appeared for the missing anchor');
  });
}
