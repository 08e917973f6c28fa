/**
 * The AD example of `cadre init`, as a new user runs it: init, uncomment the AD block, point it at the test Samba
 * DC, `cadre sync`, a marriage in the Personio simulator, `cadre sync` again. proxyAddresses is read straight from
 * the directory: the old address stays as smtp:, the new one is SMTP:, and values added by hand are untouched.
 * The example's group grant (by DN, managed by the DN pattern `CN=GG-*`) is held after a sync, so later plans do
 * not grant it again, and is revoked when no rule grants it any more.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Attribute, Change, type Client } from 'ldapts';
import type { Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { DOMAIN_DN, many, one, rawAdmin, usersWithEmployeeId, type RawUser } from '../support/ad-e2e-config.js';
import { runCli } from '../support/cli.js';
import { employee } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

const RUN = randomBytes(3).toString('hex');
// Not the E2E prefix: other suites' stale-tree cleanup must not remove this tree while it runs.
const ROOT = `OU=Cadre Init ${RUN},${DOMAIN_DN}`;
// Letters only, so the name survives transliteration unchanged and stays unique per run.
const TAG = RUN.replace(/\d/g, (d) => 'ghijklmnop'[Number(d)] as string);
const MAIDEN = `Curie${TAG}`;
const MARRIED = `Sklodowska${TAG}`;
const OLD = `marie.${MAIDEN.toLowerCase()}@example.com`;
const NEW = `marie.${MARRIED.toLowerCase()}@example.com`;
const FOREIGN = [
  `X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=init${RUN}`,
  `SIP:marie-${RUN}@example.com`,
  `smtp:m.curie-${RUN}@example.com`,
];
const BIND_PASSWORD = 'Adm1n!Passw0rd';
const ALL_STAFF = `CN=GG-All-Staff,OU=Groups,${ROOT}`;

/** Uncomment the `ad:` target block of the example and point it at the test DC, as a user would edit it. */
function adaptToTestDc(text: string): string {
  const out: string[] = [];
  let inAd = false;
  for (const line of text.split('\n')) {
    if (line === '  # ad:') inAd = true;
    else if (inAd && !line.startsWith('  #')) inAd = false;
    // The AD grant of the all-staff rule, uncommented with its target.
    if (/^ {6}# ad: \[/.test(line)) out.push(line.replace(/^ {6}# /, '      '));
    else out.push(inAd ? line.replace(/^ {2}# /, '  ') : line);
  }
  return out.join('\n')
    .replace('url: ldaps://dc1.example.com', 'url: ldaps://127.0.0.1:636')
    .replace(/bindDN: .*/, 'bindDN: CN=Administrator,CN=Users,DC=example,DC=test')
    .replace(/# caFile: .*/, 'insecure: true   # the test DC has a self-signed certificate')
    .replaceAll(',DC=example,DC=com', `,${ROOT}`);
}

describe('cadre init → AD on Samba: a marriage keeps the old address as smtp:, foreign values stay', () => {
  let dir: string;
  let admin: Client;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const env = { PERSONIO_CLIENT_ID: 'init-client', PERSONIO_CLIENT_SECRET: 'init-secret', AD_BIND_PASSWORD: BIND_PASSWORD };
  const cadre = async (args: string[]): Promise<string> => {
    const r = await runCli(args, { cwd: dir, env, timeoutMs: 170_000 });
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const account = async (): Promise<RawUser> => {
    // The example stamps the correlation value "P-<Personio id>" (correlation.value in the AD block).
    const found = await usersWithEmployeeId(admin, 'P-501', ROOT);
    assert.equal(found.length, 1, 'exactly one account');
    return found[0] as RawUser;
  };

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    for (const dn of [ROOT, `OU=Staff,${ROOT}`, `OU=Berlin,OU=Staff,${ROOT}`, `OU=Muenchen,OU=Staff,${ROOT}`, `OU=External,OU=Staff,${ROOT}`, `OU=Disabled,OU=Staff,${ROOT}`, `OU=Groups,${ROOT}`]) {
      await admin.add(dn, { objectClass: ['top', 'organizationalUnit'] });
    }
    await admin.add(ALL_STAFF, { objectClass: ['top', 'group'], sAMAccountName: `gg-all-${RUN}` });
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee({ id: 501, first: 'Marie', last: MAIDEN, department: 'Research', office: 'Berlin', position: 'Physicist' })] });
    dir = mkdtempSync(join(tmpdir(), 'cadre-init-ad-'));
  });
  after(async () => {
    await personio?.close();
    if (admin) {
      const { Control } = await import('ldapts');
      await admin.del(ROOT, [new Control('1.2.840.113556.1.4.805', { critical: true })]).catch(() => undefined);
      await admin.unbind();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('init, adapt, sync: SMTP: + the reserved mail', async () => {
    await cadre(['init', '--personio-url', personio.url]);
    const file = join(dir, 'cadre.yaml');
    const text = adaptToTestDc(readFileSync(file, 'utf8'));
    assert.match(text, /^ {6}proxyAddresses: \{ identifiers: \[mail\] \}/m, 'the example shows the option, uncommented with its block');
    assert.doesNotMatch(text, /^\s+proxyAddresses: "\{\{/m, 'no hand-written template');
    writeFileSync(file, text);
    await cadre(['validate']);
    await cadre(['sync']);
    const u = await account();
    assert.equal(one(u.entry, 'mail'), OLD);
    assert.deepEqual(many(u.entry, 'proxyAddresses'), [`SMTP:${OLD}`]);
    assert.deepEqual(many(u.entry, 'memberOf'), [ALL_STAFF], 'the all-staff rule\'s group');
  });

  test('marriage: mail follows, the old address stays as smtp:, X500:/SIP:/smtp: values added by hand stay; a second sync plans nothing', async () => {
    const before = await account();
    await admin.modify(before.dn, new Change({ operation: 'add', modification: new Attribute({ type: 'proxyAddresses', values: FOREIGN }) }));
    personio.company.upsert(employee({ id: 501, first: 'Marie', last: MARRIED, department: 'Research', office: 'Berlin', position: 'Physicist' }));
    await cadre(['sync']);
    const u = await account();
    assert.equal(u.guid, before.guid, 'the same account');
    assert.equal(one(u.entry, 'mail'), NEW, 'mail follows the name');
    assert.equal(one(u.entry, 'displayName'), `Marie ${MARRIED}`);
    assert.deepEqual(many(u.entry, 'proxyAddresses').sort(), [`SMTP:${NEW}`, `smtp:${OLD}`, ...FOREIGN].sort());
    const plan = JSON.parse(await cadre(['plan', '--json'])) as Plan;
    assert.deepEqual(plan.operations.filter((o) => o.target === 'ad'), [], 'converged: the group granted by DN is seen as held');
    assert.deepEqual(plan.errors, []);
  });

  test('a contractor loses the all-staff group: the DN-named grant is revoked, read back from the directory', async () => {
    personio.company.upsert(employee({ id: 501, first: 'Marie', last: MARRIED, department: 'Research', office: 'Berlin', position: 'Physicist', employmentType: 'external' }));
    const plan = JSON.parse(await cadre(['plan', '--json'])) as Plan;
    assert.deepEqual(plan.operations.filter((o) => o.target === 'ad' && o.action === 'revoke').map((o) => o.action === 'revoke' && o.entitlement), [ALL_STAFF]);
    await cadre(['sync']);
    const u = await account();
    assert.deepEqual(many(u.entry, 'memberOf'), [], 'no longer a member');
  });
});
