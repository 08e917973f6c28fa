import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainPerson, formatExplanation } from './explain.js';
import { formatPlan, terminalSafe } from './plan-format.js';
import { computePlan } from './planner.js';
import { ids, input, person } from './test-support.js';

const EVIL = 'Evil\u001b]0;pwned\u0007\u001b[2J\u009bName';

test('terminalSafe keeps newlines and tabs, turns every other control character into ?', () => {
  assert.equal(terminalSafe('a\tb\nc\u001b[31md\u007f\u0085'), 'a\tb\nc?[31md??');
});

test('HR data with terminal escape sequences never reaches the terminal through plan or explain text', () => {
  const p = person('1', { firstName: EVIL, lastName: 'Groß', department: `Sales\u001b[8m`, office: 'Berlin' });
  const inp = input({ persons: [p], reservations: ids('1', 'egross', 'evil.gross@example.com'), accounts: [] });
  const text = formatPlan(computePlan(inp), { color: false });
  assert.ok(text.includes('create'), text);
  assert.ok(!/[\u001b\u0007\u009b]/.test(text), 'no escape or bell character in the plan text');
  const e = formatExplanation(explainPerson('1', inp));
  assert.match(e, /Evil\?\]0;pwned\?\?\[2J\?Name/);
  assert.ok(!/[\u001b\u0007\u009b]/.test(e));
});
