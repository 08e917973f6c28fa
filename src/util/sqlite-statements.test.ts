import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { cachingStatements } from './sqlite-statements.js';

describe('cachingStatements', () => {
  test('reuses a statement per SQL text, binds fresh values each time, and evicts the least recently used', () => {
    const raw = new Database(':memory:');
    let compiled = 0;
    const counting = { prepare: (sql: string) => { compiled += 1; return raw.prepare(sql); }, close: () => raw.close() };
    const db = cachingStatements(counting, 2);
    db.prepare('create table t (k text primary key, v integer)').run([]);
    const insert = 'insert into t (k, v) values (?, ?)';
    for (let i = 0; i < 5; i += 1) db.prepare(insert).run([`k${i}`, i]);
    assert.equal(compiled, 2, 'create + one insert statement');
    assert.deepEqual(db.prepare('select v from t where k = ?').all(['k3']), [{ v: 3 }]);
    assert.deepEqual(db.prepare('select v from t where k = ?').all(['k4']), [{ v: 4 }]);
    assert.equal(compiled, 3);
    // Capacity 2: insert and select are cached; the create was evicted. Using insert keeps it; a new text evicts select.
    db.prepare(insert).run(['k5', 5]);
    db.prepare('select count(*) as n from t').all([]);
    assert.equal(compiled, 4);
    db.prepare(insert).run(['k6', 6]);
    assert.equal(compiled, 4, 'insert was recently used, still cached');
    db.prepare('select v from t where k = ?').all(['k6']);
    assert.equal(compiled, 5, 'select had been evicted');
    db.close();
    assert.equal(raw.open, false);
  });
});
