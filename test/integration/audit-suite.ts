/**
 * One audit-log test suite for both dialects: the hash chain verifies, and tampering done outside Cadre (with the
 * append-only triggers dropped) is detected as changed / inserted / removed entries. Also redaction and export.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { exportAudit } from '../../src/audit/export.js';
import { createAuditLog, entryHash, GENESIS_HASH, type AuditProblem } from '../../src/audit/log.js';
import { auditSummary } from '../../src/audit/report.js';
import type { AuditRow } from '../../src/store/types.js';
import { withHarness, type StoreHarness } from './store-suite.js';

const run = promisify(execFile);

/** Deterministic clock: one second per call from 2025-03-01. */
function clock(): () => Date {
  let t = Date.parse('2025-03-01T08:00:00.000Z');
  return () => new Date((t += 1000));
}

async function seed(h: StoreHarness, n: number): Promise<AuditRow[]> {
  const log = createAuditLog(h.store, { now: clock() });
  const rows: AuditRow[] = [];
  for (let i = 1; i <= n; i += 1) {
    rows.push(await log.record({ actor: 'engine', event: i % 2 ? 'account.created' : 'account.updated', runId: 'run-1', personId: String(1000 + i), target: i % 3 ? 'ad' : 'entra', payload: { after: { mail: `p${i}@example.test` }, i } }));
  }
  return rows;
}

const kinds = (problems: readonly AuditProblem[]) => problems.map((p) => `${p.kind}@${p.seq}`);

/** Renumber entries with seq >= from by delta, in an order the primary key allows. */
async function shiftSeq(h: StoreHarness, from: number, delta: number): Promise<void> {
  await h.raw('UPDATE audit SET seq = seq + 1000000 WHERE seq >= ?', [from]);
  await h.raw('UPDATE audit SET seq = seq - 1000000 + ? WHERE seq >= 1000000', [delta]);
}

/** Minimal RFC 4180 parser for checking the export. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

function sink(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ highWaterMark: 64, write(chunk: Buffer, _enc, cb) { chunks.push(Buffer.from(chunk)); cb(); } });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** The shared audit assertions. */
export function runAuditSuite(factory: () => Promise<StoreHarness>): void {
  const withH = (fn: (h: StoreHarness) => Promise<void>) => () => withHarness(factory, fn);

  test('records a hash chain that verifies', withH(async (h) => {
    const empty = await createAuditLog(h.store).verify();
    assert.deepEqual(empty, { ok: true, count: 0, problems: [] });
    const rows = await seed(h, 5);
    assert.deepEqual(rows.map((r) => r.seq), [1, 2, 3, 4, 5]);
    assert.equal(rows[0]?.prevHash, GENESIS_HASH);
    for (let i = 1; i < rows.length; i += 1) assert.equal(rows[i]?.prevHash, rows[i - 1]?.hash);
    for (const r of rows) assert.equal(r.hash, entryHash(r));
    assert.equal(rows[0]?.at, '2025-03-01T08:00:01.000Z');
    assert.deepEqual(await h.store.audit.last(), rows[4]);
    const v = await createAuditLog(h.store).verify();
    assert.deepEqual(v, { ok: true, count: 5, problems: [] });
  }));

  test('concurrent appends within a process and from two processes keep one chain', withH(async (h) => {
    const log = createAuditLog(h.store);
    await Promise.all(Array.from({ length: 30 }, (_, i) => log.record({ actor: 'a', event: 'e', payload: { i } })));
    const worker = `
      const { createStore } = await import(process.env.STORE_MODULE);
      const { createAuditLog } = await import(process.env.AUDIT_MODULE);
      const store = await createStore(JSON.parse(process.env.STORE_CONFIG));
      const log = createAuditLog(store);
      // Both children start appending at the same instant, so their transactions really overlap.
      await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.START_AT) - Date.now())));
      await Promise.all(Array.from({ length: 60 }, (_, i) => log.record({ actor: 'child-' + process.env.CHILD, event: 'e', payload: { i } })));
      await store.close();`;
    const env = {
      ...process.env,
      STORE_MODULE: fileURLToPath(new URL('../../src/store/index.ts', import.meta.url)),
      AUDIT_MODULE: fileURLToPath(new URL('../../src/audit/log.ts', import.meta.url)),
      STORE_CONFIG: JSON.stringify(h.config),
      START_AT: String(Date.now() + 4000),
    };
    await Promise.all(['1', '2'].map((child) =>
      run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', worker], { env: { ...env, CHILD: child }, timeout: 60_000 })));
    const v = await log.verify();
    assert.deepEqual(v.problems, []);
    assert.equal(v.count, 150);
    const rows = await h.raw('SELECT actor, COUNT(*) AS n FROM audit GROUP BY actor ORDER BY actor');
    assert.deepEqual(rows.map((r) => `${String(r.actor)}=${Number(r.n)}`), ['a=30', 'child-1=60', 'child-2=60']);
  }));

  test('recordIn commits and rolls back with the caller\'s transaction; the chain stays whole', withH(async (h) => {
    const log = createAuditLog(h.store);
    await log.record({ actor: 'engine', event: 'run.start' });
    await assert.rejects(h.store.transaction(async (tx) => {
      await tx.meta.set('probe', 'x');
      await log.recordIn(tx, { actor: 'engine', event: 'op.done', payload: { opId: 'a' } });
      throw new Error('boom');
    }), /boom/);
    assert.equal(await h.store.meta.get('probe'), undefined);
    await Promise.all([
      h.store.transaction(async (tx) => { await log.recordIn(tx, { actor: 'engine', event: 'op.done', payload: { opId: 'b' } }); }),
      log.record({ actor: 'engine', event: 'run.finish' }),
      h.store.transaction(async (tx) => { await log.recordIn(tx, { actor: 'engine', event: 'op.done', payload: { opId: 'c' } }); }),
    ]);
    const v = await log.verify();
    assert.deepEqual(v.problems, []);
    assert.equal(v.count, 4);
    const rows = await h.raw("SELECT payload FROM audit WHERE event = 'op.done' ORDER BY seq");
    assert.deepEqual(rows.map((r) => (JSON.parse(String(r.payload)) as { opId: string }).opId).sort(), ['b', 'c']);
    // A batch is chained in order, interleaves safely with single appends, and moves the head once.
    const [batch] = await Promise.all([
      h.store.transaction((tx) => log.recordManyIn(tx, ['d', 'e', 'f'].map((opId) => ({ actor: 'engine', event: 'op.done', payload: { opId, password: 'never-stored' } })))),
      log.record({ actor: 'engine', event: 'run.finish' }),
    ]);
    assert.deepEqual(batch.map((r) => r.seq - batch[0]!.seq), [0, 1, 2]);
    assert.equal(batch[1]!.prevHash, batch[0]!.hash);
    assert.equal(await h.store.transaction((tx) => log.recordManyIn(tx, [])).then((r) => r.length), 0);
    const after = await log.verify();
    assert.deepEqual(after.problems, []);
    assert.equal(after.count, 8);
    const payloads = await h.raw("SELECT payload FROM audit WHERE event = 'op.done' ORDER BY seq");
    assert.ok(payloads.every((r) => !String(r.payload).includes('never-stored')), 'batched entries are redacted too');
  }));

  test('secrets are redacted before they are stored', withH(async (h) => {
    const log = createAuditLog(h.store);
    await log.record({
      actor: 'engine', event: 'account.created', target: 'ad',
      payload: { user: 'jmueller', password: 'Geheim!123', nested: { unicodePwd: 'Geheim!456', accessToken: 'tok-789' }, list: [{ client_secret: 'sec-1' }, { Authorization: 'Bearer abc' }], passwordProfile: { password: 'x1' }, credentials: ['c'] },
    });
    const [row] = await h.raw('SELECT payload FROM audit');
    const text = String(row?.payload);
    for (const secret of ['Geheim!123', 'Geheim!456', 'tok-789', 'sec-1', 'Bearer abc', 'x1']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    assert.equal(parsed.user, 'jmueller');
    assert.equal(parsed.password, '[redacted]');
    assert.deepEqual(parsed.list, [{ client_secret: '[redacted]' }, { Authorization: '[redacted]' }]);
    assert.equal(parsed.credentials, '[redacted]');
  }));

  test('an edited entry is detected as changed', withH(async (h) => {
    await seed(h, 5);
    await h.dropAuditTriggers();
    await h.raw(`UPDATE audit SET payload = '{"after":{"mail":"evil@example.test"}}' WHERE seq = 3`);
    const v = await createAuditLog(h.store).verify();
    assert.equal(v.ok, false);
    assert.deepEqual(kinds(v.problems), ['changed@3']);
  }));

  test('an edited entry with a recomputed hash breaks the next link', withH(async (h) => {
    const rows = await seed(h, 5);
    await h.dropAuditTriggers();
    const forged = { ...rows[2]!, actor: 'someone-else' };
    await h.raw('UPDATE audit SET actor = ?, hash = ? WHERE seq = 3', [forged.actor, entryHash(forged)]);
    const v = await createAuditLog(h.store).verify();
    assert.deepEqual(kinds(v.problems), ['broken-link@4']);
  }));

  test('an entry inserted in the middle is detected', withH(async (h) => {
    const rows = await seed(h, 5);
    await h.dropAuditTriggers();
    await shiftSeq(h, 3, 1);
    // A well-formed forgery: correct seq, linked to entry 2, valid own hash.
    const fake = { seq: 3, at: '2025-03-01T08:00:02.500Z', actor: 'engine', event: 'account.deleted', payload: '{}', prevHash: rows[1]!.hash };
    await h.raw('INSERT INTO audit (seq, at, actor, event, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [fake.seq, fake.at, fake.actor, fake.event, fake.payload, fake.prevHash, entryHash(fake)]);
    const v = await createAuditLog(h.store).verify();
    assert.equal(v.count, 6);
    assert.deepEqual(kinds(v.problems), ['inserted@3']);
  }));

  test('an entry appended after the last one outside Cadre is detected', withH(async (h) => {
    const rows = await seed(h, 3);
    const fake = { seq: 4, at: '2025-03-01T09:00:00.000Z', actor: 'engine', event: 'x', payload: '{}', prevHash: rows[2]!.hash };
    await h.raw('INSERT INTO audit (seq, at, actor, event, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [fake.seq, fake.at, fake.actor, fake.event, fake.payload, fake.prevHash, entryHash(fake)]);
    const v = await createAuditLog(h.store).verify();
    assert.deepEqual(kinds(v.problems), ['inserted@4']);
  }));

  test('an entry removed from the middle is detected (with and without renumbering)', withH(async (h) => {
    await seed(h, 6);
    await h.dropAuditTriggers();
    await h.raw('DELETE FROM audit WHERE seq = 3');
    let v = await createAuditLog(h.store).verify();
    assert.equal(v.count, 5);
    assert.deepEqual(kinds(v.problems), ['removed@3']);
    await shiftSeq(h, 4, -1);
    v = await createAuditLog(h.store).verify();
    assert.deepEqual(kinds(v.problems), ['removed@3']);
    assert.match(v.problems[0]!.message, /renumbered/);
  }));

  test('entries removed from the tail are detected, and stay detected after new appends', withH(async (h) => {
    await seed(h, 5);
    await h.dropAuditTriggers();
    await h.raw('DELETE FROM audit WHERE seq >= 4');
    const log = createAuditLog(h.store);
    let v = await log.verify();
    assert.deepEqual(kinds(v.problems), ['removed@4']);
    assert.match(v.problems[0]!.message, /entries 4\.\.5/);
    const next = await log.record({ actor: 'engine', event: 'after' });
    assert.equal(next.seq, 6, 'the chain continues from the recorded head, leaving the gap visible');
    v = await log.verify();
    assert.deepEqual(kinds(v.problems), ['removed@4']);
    await h.raw('DELETE FROM audit');
    v = await log.verify();
    assert.deepEqual(kinds(v.problems), ['removed@1']);
  }));

  test('CSV export neutralises formulas and quotes commas, quotes and newlines', withH(async (h) => {
    const log = createAuditLog(h.store, { now: clock() });
    await log.record({ actor: '=HYPERLINK("http://evil","x")', event: '+cmd', personId: '-1+1', target: '@SUM(A1)', payload: { note: 'a, "b"\nc' } });
    await log.record({ actor: '\tTAB', event: 'plain', personId: '7', payload: { note: '\rcr' } });
    await log.record({ actor: 'ok', event: 'other', personId: '8' });
    const out = sink();
    const n = await exportAudit(h.store, 'csv', out.stream);
    assert.equal(n, 3);
    const csv = parseCsv(out.text());
    assert.deepEqual(csv[0], ['seq', 'at', 'actor', 'event', 'run_id', 'person_id', 'target', 'payload', 'prev_hash', 'hash']);
    assert.equal(csv.length, 4);
    const [, first, second] = csv;
    assert.equal(first?.[2], `'=HYPERLINK("http://evil","x")`);
    assert.equal(first?.[3], "'+cmd");
    assert.equal(first?.[5], "'-1+1");
    assert.equal(first?.[6], "'@SUM(A1)");
    assert.deepEqual(JSON.parse(first?.[7] ?? ''), { note: 'a, "b"\nc' });
    assert.equal(second?.[2], "'\tTAB");
    for (const row of csv.slice(1)) for (const cell of row) assert.ok(!/^[=+\-@\t\r]/.test(cell), `unsafe cell ${cell}`);

    const filtered = sink();
    assert.equal(await exportAudit(h.store, 'csv', filtered.stream, { personId: '8' }), 1);
    const json = sink();
    assert.equal(await exportAudit(h.store, 'json', json.stream, { since: '2025-03-01T08:00:02.000Z' }), 2);
    const arr = JSON.parse(json.text()) as { seq: number; payload: unknown }[];
    assert.deepEqual(arr.map((r) => r.seq), [2, 3]);
    assert.deepEqual(arr[0]?.payload, { note: '\rcr' });
    const nd = sink();
    assert.equal(await exportAudit(h.store, 'ndjson', nd.stream, { event: 'plain' }), 1);
    assert.equal(nd.text().trim().split('\n').length, 1);
    const none = sink();
    assert.equal(await exportAudit(h.store, 'json', none.stream, { until: '2000-01-01' }), 0);
    assert.deepEqual(JSON.parse(none.text()), []);
  }));

  test('summary counts per event and target', withH(async (h) => {
    await seed(h, 6);
    const s = await auditSummary(h.store);
    assert.equal(s.total, 6);
    assert.deepEqual({ ...s.byEvent }, { 'account.created': 3, 'account.updated': 3 });
    assert.deepEqual({ ...s.byTarget }, { ad: 4, entra: 2 });
    const later = await auditSummary(h.store, '2025-03-01T08:00:05.000Z');
    assert.equal(later.total, 2);
  }));
}
