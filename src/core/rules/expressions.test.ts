import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileExpression, compileTemplate, ExpressionError } from './expressions.js';

const ctx = {
  firstName: 'Jürgen',
  lastName: 'Groß',
  preferredName: '',
  department: 'Sales',
  supervisorId: '7',
  hireDate: '2024-03-01',
  tags: ['a', 'b'],
  custom: { phone: '+49 30 123', empty: null, count: 3 },
  id: { username: 'jgross', mail: 'juergen.gross@example.com' },
  aliases: { mail: ['old@example.com'] },
  flag: true,
};
const r = (src: string): unknown => compileTemplate(src).render(ctx);

describe('templates', () => {
  test('literal text and blocks concatenate into a string', () => {
    assert.equal(r('{{ firstName }} {{ lastName }}'), 'Jürgen Groß');
    assert.equal(r('Hello'), 'Hello');
    assert.equal(r('n={{ custom.count }}'), 'n=3');
  });
  test('a single block yields the raw value', () => {
    assert.equal(r('{{ custom.count }}'), 3);
    assert.equal(r('{{ flag }}'), true);
    assert.deepEqual(r('{{ tags }}'), ['a', 'b']);
    assert.equal(r('{{ custom.empty }}'), null);
  });
  test('unknown paths are null, not errors; prototype members are not reachable', () => {
    assert.equal(r('{{ nope.deeper }}'), null);
    assert.equal(r('{{ firstName.length }}'), null);
    assert.equal(r('{{ constructor }}'), null);
    assert.equal(r('x{{ nope }}y'), 'xy');
  });
  test('?? coalesces null, undefined and empty string', () => {
    assert.equal(r('{{ preferredName ?? firstName }}'), 'Jürgen');
    assert.equal(r("{{ custom.empty ?? nope ?? 'x' }}"), 'x');
    assert.equal(r("{{ department ?? 'x' }}"), 'Sales');
  });
  test('operators: == != && || ! ternary + parentheses', () => {
    assert.equal(r("{{ department == 'Sales' }}"), true);
    assert.equal(r("{{ department != 'Sales' }}"), false);
    assert.equal(r("{{ department == 'Sales' && !flag }}"), false);
    assert.equal(r("{{ nope || department }}"), true);
    assert.equal(r("{{ supervisorId ? 'ref:' + supervisorId : null }}"), 'ref:7');
    assert.equal(r("{{ nope ? 'a' : 'b' }}"), 'b');
    assert.equal(r("{{ ('a' + 'b') + \"c\" }}"), 'abc');
    assert.equal(r('{{ 1 + 2 }}'), 3);
    assert.equal(r('{{ custom.count == 3 }}'), true);
    assert.equal(r("{{ custom.count == '3' }}"), true);
    assert.equal(r("{{ 'it\\'s' }}"), "it's");
  });
  test('functions', () => {
    assert.equal(r('{{ lower(lastName) }}'), 'groß');
    assert.equal(r('{{ upper(department) }}'), 'SALES');
    assert.equal(r("{{ trim('  x ') }}"), 'x');
    assert.equal(r('{{ ascii(lastName) }}'), 'Gross');
    assert.equal(r('{{ ident(firstName) }}'), 'juergen');
    assert.equal(r('{{ left(firstName, 3) }}'), 'Jür');
    assert.equal(r('{{ right(department, 2) }}'), 'es');
    assert.equal(r("{{ replace(custom.phone, ' ', '') }}"), '+4930123');
    assert.equal(r("{{ join(tags, ';') }}"), 'a;b');
    assert.deepEqual(r("{{ split('a, b,,c', ',') }}"), ['a', 'b', 'c']);
    assert.equal(r('{{ first(tags) }}'), 'a');
    assert.equal(r('{{ last(tags) }}'), 'b');
    assert.equal(r("{{ initials('Anna Maria Müller-Lüdenscheidt') }}"), 'AMML');
    assert.equal(r("{{ date('2024-03-01T10:00:00Z') }}"), '2024-03-01');
    assert.equal(r("{{ date('garbage') }}"), null);
    assert.equal(r("{{ coalesce(nope, preferredName, 'z') }}"), 'z');
    assert.equal(r("{{ concat(firstName, '.', nope, lastName) }}"), 'Jürgen.Groß');
    assert.equal(r("{{ default(nope, 'd') }}"), 'd');
    assert.equal(r('{{ ref(supervisorId) }}'), 'ref:7');
    assert.equal(r('{{ ref(nope) }}'), null);
    assert.equal(r("{{ contains(tags, 'b') }}"), true);
    assert.deepEqual(r("{{ split(concat('SMTP:', id.mail, ',', join(aliases.mail, ',')), ',') }}"), ['SMTP:juergen.gross@example.com', 'old@example.com']);
  });
  test('string functions propagate null', () => {
    assert.equal(r('{{ lower(nope) }}'), null);
    assert.equal(r('{{ left(nope, 2) }}'), null);
  });
  test('compiled once and cached', () => {
    assert.equal(compileTemplate('{{ firstName }}!'), compileTemplate('{{ firstName }}!'));
  });
  test('a "}}" inside a string literal does not close the block', () => {
    assert.equal(r("{{ '}}' }}x"), '}}x');
  });
});

describe('errors carry positions', () => {
  const bad: [string, RegExp, number][] = [
    ['{{ firstName', /unclosed/, 0],
    ['ab {{ eval(x) }}', /unknown function "eval"/, 6],
    ['{{ lower(a, b) }}', /takes 1 argument/, 3],
    ['{{ a + }}', /unexpected end/, 7],
    ['{{ }}', /empty expression/, 2],
    ["{{ 'abc }}", /unclosed|unterminated/, 0],
    ['{{ a b }}', /unexpected "b"/, 5],
    ['{{ a ; b }}', /unexpected character ";"/, 5],
    ['{{ (a }}', /expected "\)"/, 6],
  ];
  for (const [src, re, pos] of bad) {
    test(src, () => {
      assert.throws(() => compileTemplate(src), (e: unknown) => {
        assert.ok(e instanceof ExpressionError);
        assert.match(e.message, re);
        assert.equal(e.position, pos);
        return true;
      });
    });
  }
  test('no access to globals or code execution', () => {
    assert.throws(() => compileExpression('Function("return 1")()'), ExpressionError);
    assert.throws(() => compileExpression('process.exit(1)'), ExpressionError);
    assert.equal(compileExpression('process.env').evaluate(ctx), undefined);
  });
});

describe('properties', () => {
  test('literal text without braces renders to itself', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('{{')), (s) => compileTemplate(s).render({}) === s));
  });
  test('quoted literals round-trip', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const q = `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      return compileExpression(q).evaluate({}) === s;
    }));
  });
  test('never throws at render time, whatever the context', () => {
    const t = compileTemplate("{{ lower(a.b) + upper(c) + join(d, ',') + left(e, 2) + (f ?? g ? 'x' : 'y') }}");
    fc.assert(fc.property(fc.object(), (o) => typeof t.render(o) === 'string'));
  });
});
