/** Planner: correlation safety (ambiguous leavers, contested adoptions, adopt threshold, templates) and exclusions. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configGuard, type CadreConfig, type TargetConfig } from '../config/schema.js';
import { correlationCodec, correlationTemplateProblem } from './correlation.js';
import { explainPerson, formatExplanation } from './explain.js';
import { formatPlan } from './plan-format.js';
import type { AccountState, Person } from './model.js';
import { computePlan } from './planner.js';
import { brief, erika, erikaIds } from './planner-test-support.js';
import { adAccount, config, ids, input, person } from './test-support.js';

const active: Person = { ...erika, status: 'active', hireDate: '2020-01-01' };
const leaver: Person = { ...active, status: 'inactive', terminationDate: '2024-05-15' };

/** The fixture config with the AD target changed. */
function withAd(over: Partial<TargetConfig>, cfg: CadreConfig = config()): CadreConfig {
  return { ...cfg, targets: { ...cfg.targets, ad: { ...(cfg.targets['ad'] as TargetConfig), ...over } } };
}

const acct = (anchor: string, over: Partial<AccountState> = {}): AccountState => ({
  target: 'ad', anchor, enabled: true, container: 'OU=Berlin,DC=ex,DC=com', attributes: {}, entitlements: [], ...over,
});

describe('several accounts carry one correlation id', () => {
  test('a leaver has every one of them disabled, and the ambiguity is reported', () => {
    const accounts = [acct('a1', { correlation: '1' }), acct('a2', { correlation: '1' }), acct('a3', { correlation: '1', enabled: false })];
    const plan = computePlan(input({ persons: [leaver], reservations: erikaIds, accounts }));
    const ad = plan.operations.filter((o) => o.target === 'ad');
    assert.deepEqual(ad.map((o) => `${o.action}:${o.anchor}`).sort(), ['disable:a1', 'disable:a2'], 'both enabled ones; the disabled one is left as it is');
    assert.deepEqual(plan.errors.filter((e) => e.target === 'ad').map((e) => e.code), ['CORRELATION_AMBIGUOUS']);
    assert.match(plan.errors[0]?.message ?? '', /every one is disabled/);
    assert.equal(plan.summary['disable'], 2);
  });

  test('for an active person it stays an error and nothing is planned there', () => {
    const accounts = [acct('a1', { correlation: '1' }), acct('a2', { correlation: '1' })];
    const plan = computePlan(input({ persons: [active], reservations: erikaIds, accounts }));
    assert.deepEqual(plan.operations.filter((o) => o.target === 'ad'), []);
    assert.deepEqual(plan.errors.map((e) => [e.target, e.code]), [['ad', 'CORRELATION_AMBIGUOUS']]);
  });

  test('a leaver with a linked account and a further one carrying the id: both disabled', () => {
    const accounts = [adAccount('1', 'linked'), acct('extra', { correlation: '1' })];
    const plan = computePlan(input({ persons: [leaver], reservations: erikaIds, accounts }));
    const disables = plan.operations.filter((o) => o.action === 'disable' && o.target === 'ad').map((o) => o.anchor).sort();
    assert.deepEqual(disables, ['extra', 'linked']);
    assert.ok(plan.errors.some((e) => e.code === 'CORRELATION_AMBIGUOUS' && /extra/.test(e.message)));
  });

  test('an active person with a linked account and a further one carrying the id: reported, neither touched', () => {
    const accounts = [adAccount('1', 'linked'), acct('extra', { correlation: '1' })];
    const plan = computePlan(input({ persons: [active], reservations: erikaIds, accounts }));
    assert.ok(!plan.operations.some((o) => o.anchor === 'extra'), 'the extra account is left alone');
    assert.deepEqual(plan.errors.map((e) => [e.target, e.code]), [['ad', 'CORRELATION_DUPLICATE']]);
    assert.match(plan.errors[0]?.message ?? '', /besides account linked, extra in ad carries the id of person 1: left alone/);
    const alone = computePlan(input({ persons: [active], reservations: erikaIds, accounts: [adAccount('1', 'linked')] }));
    assert.deepEqual(alone.errors, []);
  });

  test('a person missing from the source: the linked account and a further one carrying the id are disabled', () => {
    const accounts = [adAccount('7', 'linked'), acct('extra', { correlation: '7' })];
    const plan = computePlan(input({ persons: [], accounts }));
    assert.deepEqual(plan.operations.filter((o) => o.action === 'disable').map((o) => o.anchor).sort(), ['extra', 'linked']);
  });
});

describe('secondary correlation', () => {
  const sc = { attribute: 'mail', value: '{{ email }}' };
  const legacy = acct('legacy', { attributes: { mail: 'shared@example.com' } });

  test('two persons matching one legacy account adopt neither; both are reported', () => {
    const a = person('1', { firstName: 'Anna', lastName: 'A', email: 'shared@example.com' });
    const b = person('2', { firstName: 'Bert', lastName: 'B', email: 'Shared@Example.com' });
    const plan = computePlan(input({ persons: [a, b], reservations: [...ids('1', 'aa', 'anna@example.com'), ...ids('2', 'bb', 'bert@example.com')], accounts: [legacy], config: withAd({ secondaryCorrelation: sc }) }));
    assert.deepEqual(plan.operations.filter((o) => o.target === 'ad'), [], 'no adoption and no duplicate account');
    const errs = plan.errors.filter((e) => e.target === 'ad');
    assert.deepEqual(errs.map((e) => [e.personId, e.code]), [['1', 'CORRELATION_AMBIGUOUS'], ['2', 'CORRELATION_AMBIGUOUS']]);
    assert.match(errs[0]?.message ?? '', /persons 1, 2 all match/);
  });

  test('one person matching it adopts it (control)', () => {
    const a = person('1', { firstName: 'Anna', lastName: 'A', email: 'shared@example.com' });
    const plan = computePlan(input({ persons: [a], reservations: ids('1', 'aa', 'anna@example.com'), accounts: [legacy], config: withAd({ secondaryCorrelation: sc }) }));
    const ad = plan.operations.filter((o) => o.target === 'ad');
    assert.equal(ad[0]?.action, 'adopt');
    assert.equal(ad[0]?.anchor, 'legacy');
    assert.ok(!ad.some((o) => o.action === 'create'));
  });
});

describe('adoption review', () => {
  const people = Array.from({ length: 12 }, (_, i) => person(String(i + 1), { firstName: `P${i + 1}`, lastName: 'Legacy' }));
  const res = people.flatMap((p) => ids(p.id, `u${p.id}`, `u${p.id}@example.com`));
  const legacy = people.map((p) => acct(`g${p.id}`, { correlation: p.id }));

  test('adopt is its own action, before everything else of the account, with its own default threshold', () => {
    const plan = computePlan(input({ persons: people, reservations: res, accounts: legacy }));
    assert.equal(plan.summary['adopt'], 12);
    const adopts = new Map(plan.operations.filter((o) => o.action === 'adopt').map((o) => [o.anchor, o.id]));
    for (const o of plan.operations.filter((x) => x.target === 'ad' && x.action !== 'adopt')) {
      assert.ok(o.dependsOn.includes(adopts.get(o.anchor) as string), `${o.action} of ${o.anchor} waits for its adoption`);
      assert.ok(plan.operations.indexOf(o) > plan.operations.findIndex((x) => x.id === adopts.get(o.anchor)));
    }
    assert.match(formatPlan(plan, { color: false }), /& adopt existing account g1 {2}# correlation/);
    assert.match(formatPlan(plan, { color: false }), /12 to adopt/);
    const breach = plan.breaches.find((b) => b.action === 'adopt');
    assert.ok(breach, 'a first sync taking over 12 legacy accounts is blocked for review');
    assert.match(breach.limit, /thresholds\.adopt: count 12 > 10/);
  });

  test('crash recovery: accounts an interrupted run was creating are linked without review', () => {
    const resumedCreates = people.map((p) => ({ target: 'ad', personId: p.id }));
    const plan = computePlan(input({ persons: people, reservations: res, accounts: legacy, resumedCreates }));
    const adopts = plan.operations.filter((o) => o.action === 'adopt');
    assert.equal(adopts.length, 12);
    assert.ok(adopts.every((o) => o.reason.source === 'crash-recovery' && o.action === 'adopt' && o.resumed === true));
    assert.equal(plan.breaches.filter((b) => b.action === 'adopt').length, 0, 'not a take-over to review');
  });

  test('the adopt limit is configurable', () => {
    const cfg = config({ thresholds: { adopt: { count: 100, percent: 100 } } });
    const plan = computePlan(input({ persons: people, reservations: res, accounts: legacy, config: cfg }));
    assert.equal(plan.breaches.filter((b) => b.action === 'adopt').length, 0);
    const strict = computePlan(input({ persons: people, reservations: res, accounts: legacy, config: config({ thresholds: { targets: { ad: { adopt: { count: 0 } } } } }) }));
    assert.match(strict.breaches.find((b) => b.action === 'adopt')?.limit ?? '', /thresholds\.targets\.ad\.adopt/);
  });
});

describe('templated correlation', () => {
  const cfg = withAd({ correlation: { value: 'P-{{ personId }}' } });

  test('a legacy account whose employeeID equals the raw person id is left alone; the new account gets P-<id>', () => {
    const payroll = acct('payroll', { correlation: '1', attributes: { employeeID: '1' } });
    const plan = computePlan(input({ persons: [active], reservations: erikaIds, accounts: [payroll], config: cfg }));
    assert.ok(!plan.operations.some((o) => o.anchor === 'payroll'), 'never adopted, updated or disabled');
    const create = plan.operations.find((o) => o.target === 'ad' && o.action === 'create');
    assert.equal(create?.changes.find((c) => c.attribute === 'employeeID')?.to, 'P-1');
    assert.equal(plan.summary['unmatched'], 1);
    const gone = computePlan(input({ persons: [leaver], reservations: erikaIds, accounts: [payroll], config: cfg }));
    assert.ok(!gone.operations.some((o) => o.anchor === 'payroll'), 'not disabled when the person with that raw id leaves');
    const plain = computePlan(input({ persons: [active], reservations: erikaIds, accounts: [payroll] }));
    assert.equal(plain.operations.find((o) => o.target === 'ad')?.anchor, 'payroll', 'control: without the template the raw id is adopted');
  });

  test('an account carrying P-<id> is the person\'s (adopted, case-insensitive), and is disabled when they leave', () => {
    const mine = acct('mine', { correlation: 'p-1', attributes: { employeeID: 'p-1' } });
    const plan = computePlan(input({ persons: [active], reservations: erikaIds, accounts: [mine], config: cfg }));
    const ad = plan.operations.filter((o) => o.target === 'ad');
    assert.equal(ad[0]?.action, 'adopt');
    assert.equal(ad[0]?.anchor, 'mine');
    assert.ok(!ad.some((o) => o.action === 'create'));
    const gone = computePlan(input({ persons: [leaver], reservations: erikaIds, accounts: [{ ...mine, personId: '1' }], config: cfg }));
    assert.ok(gone.operations.some((o) => o.action === 'disable' && o.anchor === 'mine'));
  });

  test('templates: only the person id and fixed text', () => {
    assert.equal(correlationTemplateProblem('P-{{ personId }}'), undefined);
    assert.match(correlationTemplateProblem('{{ lastName }}-{{ personId }}') ?? '', /only \{\{ personId \}\}/);
    assert.match(correlationTemplateProblem('P-') ?? '', /exactly once/);
    const c = correlationCodec('P-{{personId}}-X');
    assert.equal(c.render('42'), 'P-42-X');
    assert.equal(c.parse('p-42-x'), '42');
    assert.equal(c.parse('42'), undefined);
    assert.equal(c.parse('P--X'), undefined);
    assert.throws(() => configGuard.parse({ source: { type: 'personio', clientId: 'x', clientSecret: 'y' }, targets: { ad: { type: 'ad', correlation: { value: 'P-{{ firstName }}' } } } }), /exactly once/);
  });
});

describe('exclusions', () => {
  const breakglass = acct('bg', { correlation: '1', attributes: { userPrincipalName: 'BreakGlass01@example.com', sAMAccountName: 'breakglass01' }, entitlements: ['GG-All'] });
  const service = acct('svc', { personId: '2', correlation: '2', container: 'OU=Service Accounts,DC=ex,DC=com', attributes: { cn: 'svc-backup' } });
  const tier0 = acct('t0', { correlation: '3', unmanaged: ['CN=Tier0 Admins,OU=Groups,DC=ex,DC=com'] });
  const cfg = withAd({ exclude: [{ upn: 'breakglass*@example.com', reason: 'break-glass' }, { dn: '*,ou=service accounts, dc=ex,dc=com' }, { memberOf: 'CN=Tier0 Admins,*' }] });
  const p2 = person('2', { firstName: 'Bert', lastName: 'B' });
  const p3 = person('3', { firstName: 'Cleo', lastName: 'C' });
  const res = [...erikaIds, ...ids('2', 'bb', 'bert@example.com'), ...ids('3', 'cc', 'cleo@example.com')];

  test('an excluded account carrying a person id is not adopted, and no second account is created over it', () => {
    const plan = computePlan(input({ persons: [active, p2, p3], reservations: res, accounts: [breakglass, service, tier0], config: cfg }));
    assert.deepEqual(plan.operations.filter((o) => o.target === 'ad'), [], 'no adopt, no update, no create in ad');
    assert.deepEqual(plan.errors.filter((e) => e.target === 'ad').map((e) => [e.personId, e.code]), [['1', 'CORRELATION_EXCLUDED'], ['2', 'CORRELATION_EXCLUDED'], ['3', 'CORRELATION_EXCLUDED']]);
    assert.deepEqual(plan.excluded.map((e) => [e.anchor, e.personId]), [['bg', '1'], ['svc', '2'], ['t0', '3']]);
    assert.match(plan.excluded[0]?.rule ?? '', /targets\.ad\.exclude\[0\] \(upn: breakglass\*@example\.com\): break-glass/);
    assert.equal(plan.summary['excluded'], 3);
    const text = formatPlan(plan, { color: false });
    assert.match(text, /Excluded \(3\): never touched/);
    assert.match(text, /= ad breakglass01 \(carries person 1\): targets\.ad\.exclude\[0\]/);
    assert.match(text, /3 excluded account\(s\) never touched/);
    const control = computePlan(input({ persons: [active, p2, p3], reservations: res, accounts: [breakglass, service, tier0] }));
    assert.ok(control.operations.some((o) => o.anchor === 'bg') && control.operations.some((o) => o.anchor === 't0'), 'control: without exclusions they are adopted');
  });

  test('never disabled when the person leaves or is gone from the source, never counted as a match', () => {
    const plan = computePlan(input({ persons: [leaver], reservations: erikaIds, accounts: [breakglass, service, tier0], config: cfg }));
    assert.deepEqual(plan.operations.filter((o) => o.target === 'ad'), []);
    const control = computePlan(input({ persons: [], accounts: [service] }));
    assert.deepEqual(brief(control), ['ad:disable'], 'control: a linked account of a person gone from the source is disabled');
  });

  test('explain names the excluded account and its rule', () => {
    const e = explainPerson('1', input({ persons: [active], reservations: erikaIds, accounts: [breakglass], config: cfg }));
    const ad = e.targets.find((t) => t.target === 'ad');
    assert.equal(ad?.account, 'none');
    assert.deepEqual(ad?.excluded.map((x) => x.name), ['breakglass01']);
    assert.match(formatExplanation(e), /excluded: breakglass01 is never touched — targets\.ad\.exclude\[0\]/);
  });

  test('an exclusion names exactly one pattern', () => {
    assert.throws(() => configGuard.parse({ source: { type: 'personio', clientId: 'x', clientSecret: 'y' }, targets: { ad: { type: 'ad', exclude: [{ dn: '*', upn: '*' }] } } }), /exactly one of dn, upn or memberOf/);
  });
});

describe('gated actions', () => {
  test('enable counts towards thresholds', () => {
    const people = Array.from({ length: 30 }, (_, i) => person(String(i + 1), { firstName: `P${i + 1}`, lastName: 'Back' }));
    const accounts = people.map((p) => adAccount(p.id, `g${p.id}`, { enabled: false, attributes: {} }));
    const cfg = withAd({ attributes: {} });
    // Cadre disabled them (a mistaken end date, now corrected): re-enabling 30 at once is a mass change.
    const disabled = accounts.map((a) => ({ target: 'ad', anchor: a.anchor, at: '2024-05-01T00:00:00Z', by: 'cadre' as const, via: 'disable' as const }));
    const plan = computePlan(input({ persons: people, reservations: people.flatMap((p) => ids(p.id, `u${p.id}`, `u${p.id}@example.com`)), accounts, config: cfg, disabled }));
    assert.equal(plan.summary['enable'], 30);
    assert.match(plan.breaches.find((b) => b.action === 'enable' && b.target === 'ad')?.limit ?? '', /thresholds\.default/);
  });

  test('one grant of a privileged entitlement blocks the plan as its own breach', () => {
    const cfg = withAd({ privilegedEntitlements: ['gg-sal*'] });
    const plan = computePlan(input({ persons: [active], reservations: erikaIds, config: cfg }));
    const b = plan.breaches.find((x) => x.privileged !== undefined);
    assert.ok(b, 'blocked');
    assert.deepEqual([b.action, b.target, b.count, b.privileged], ['grant', 'ad', 1, ['GG-Sales']]);
    assert.match(b.limit, /targets\.ad\.privilegedEntitlements \(gg-sal\*\)/);
    assert.match(formatPlan(plan, { color: false }), /✗ privileged grant\(s\) of GG-Sales to 1 person\(s\) in ad/);
    assert.equal(computePlan(input({ persons: [active], reservations: erikaIds })).breaches.length, 0, 'control: no privileged entitlements, no breach');
  });
});
