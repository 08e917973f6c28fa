import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportCsv, reportJson, reportText } from './format.js';

const report = {
  report: 'orphans', at: '2026-01-01T00:00:00.000Z', columns: ['name', 'enabled', 'n', 'why'],
  rows: [
    { name: '=HYPERLINK("http://evil.test","x")', enabled: true, n: null, why: '+1' },
    { name: '@SUM(A1)', enabled: false, n: 3, why: '-2\ttab' },
    { name: '\tlead', enabled: false, n: 0, why: '\rcr' },
  ],
};

test('reportCsv: header, RFC 4180 quoting and no cell starting a formula', () => {
  const csv = reportCsv(report);
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'name,enabled,n,why');
  assert.equal(lines[1], `"'=HYPERLINK(""http://evil.test"",""x"")",true,,'+1`);
  assert.equal(lines[2], "'@SUM(A1),false,3,'-2\ttab");
  assert.ok(lines[3]?.startsWith("'\tlead,false,0,\"'\r"));
});

test('reportText: aligned columns, control characters shown as ?', () => {
  const text = reportText({ ...report, rows: [{ name: 'a\u001b[31m', enabled: true, n: 1, why: 'x' }] });
  assert.deepEqual(text.split('\n'), ['name    enabled  n  why', '------  -------  -  ---', 'a?[31m  true     1  x']);
  assert.deepEqual(JSON.parse(reportJson(report)).rows[0].n, null);
});
