/**
 * AD write benchmark against a FRESH Samba domain: N joiners with an initial password and two group grants each,
 * once through the Cadre AD connector (Operation objects, the connector's concurrency) and once with a bare ldapts
 * loop doing the same writes at the same concurrency. Prints both rates and the Cadre/bare time ratio (goal ≤ 1.2).
 *
 * usage: npm run bench:ad -- [--n 2000] [--concurrency 2] [--bare-first] [--keep]
 *   (package.json: "bench:ad": "node --import tsx bench/ad.ts")
 * --keep leaves Samba running afterwards; by default it is stopped.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { targetGuard } from '../src/config/schema.js';
import { createAdTarget } from '../src/targets/ad/index.js';
import { escapeDnValue } from '../src/targets/ad/escape.js';
import { generatePassword, unicodePwd } from '../src/targets/ad/password.js';
import { createChanges, desiredFor, makeCtx, makeOp, mapLimit } from '../src/targets/conformance/helpers.js';
import type { ConformanceSample } from '../src/targets/conformance/helpers.js';
import { quietLog, sambaAdmin, sambaCtl, sambaEnv } from '../test/support/samba.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '2' },
    'bare-first': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.n);
const CONCURRENCY = Number(args.concurrency);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error('usage: bench/ad.ts [--n 2000] [--concurrency 2] [--bare-first] [--keep]');
  process.exit(2);
}

const RUN = randomBytes(2).toString('hex');

function person(prefix: string, i: number, ou: string): ConformanceSample {
  const sam = `${prefix}${i}${RUN}`;
  return {
    personId: `${prefix}-${RUN}-${i}`,
    attributes: {
      cn: `Bench Müller ${prefix}${i}`, displayName: `Bench Müller ${i}`, givenName: 'Bench', sn: `Müller ${i}`,
      sAMAccountName: sam, userPrincipalName: `${sam}@example.test`, mail: `${sam}@example.test`, title: 'Engineer', department: 'R&D',
    },
    container: ou,
    entitlements: ['GG-One', 'GG-Two'],
  };
}

async function setupOu(admin: Client, root: string, tag: string): Promise<void> {
  await admin.add(root, { objectClass: ['top', 'organizationalUnit'] });
  await admin.add(`OU=Users,${root}`, { objectClass: ['top', 'organizationalUnit'] });
  await admin.add(`OU=Groups,${root}`, { objectClass: ['top', 'organizationalUnit'] });
  for (const g of ['GG-One', 'GG-Two']) {
    await admin.add(`CN=${g},OU=Groups,${root}`, { objectClass: ['top', 'group'], sAMAccountName: `${g}-${tag}-${RUN}` });
  }
}

async function runCadre(root: string): Promise<number> {
  const env = await sambaEnv();
  const c = await createAdTarget('bench', {
    url: env.url, bindDN: env.bindDN, bindPassword: env.password, insecure: true, baseDN: root, usersOU: `OU=Users,${root}`,
    managedGroupsOUs: [`OU=Groups,${root}`], upnSuffix: 'example.test', concurrency: CONCURRENCY, stampDescription: false,
  }, { log: quietLog }, targetGuard.parse({ type: 'ad', password: true }));
  const people = Array.from({ length: N }, (_, i) => person('c', i, `OU=Users,${root}`));
  let failures = 0;
  const t0 = performance.now();
  await mapLimit(people, c.concurrency, async (s) => {
    const r = await c.apply(makeOp('bench', 'create', s.personId, { changes: createChanges(s.attributes) }), { ...makeCtx({ desired: desiredFor('bench', s) }), secret: generatePassword(16) });
    if (!r.ok || !r.anchor) { failures++; console.error(r.ok ? 'no anchor' : `${r.error.code}: ${r.error.message}`); return; }
    for (const g of s.entitlements) {
      const gr = await c.apply(makeOp('bench', 'grant', s.personId, { anchor: r.anchor, entitlement: g }), makeCtx());
      if (!gr.ok) { failures++; console.error(`${gr.error.code}: ${gr.error.message}`); }
    }
  });
  const ms = performance.now() - t0;
  await c.close();
  if (failures > 0) throw new Error(`${failures} Cadre operations failed`);
  return ms;
}

async function runBare(root: string): Promise<number> {
  const env = await sambaEnv();
  const clients = await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    const cl = new Client({ url: env.url, tlsOptions: { rejectUnauthorized: false } });
    await cl.bind(env.bindDN, env.password);
    return cl;
  }));
  const people = Array.from({ length: N }, (_, i) => person('b', i, `OU=Users,${root}`));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(clients.map(async (cl) => {
    while (next < people.length) {
      const s = people[next++]!;
      const a = s.attributes;
      const dn = `CN=${escapeDnValue(String(a['cn']))},OU=Users,${root}`;
      await cl.add(dn, [
        new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
        ...['displayName', 'givenName', 'sn', 'sAMAccountName', 'userPrincipalName', 'mail', 'title', 'department'].map((k) => new Attribute({ type: k, values: [String(a[k])] })),
        new Attribute({ type: 'employeeID', values: [s.personId] }),
        new Attribute({ type: 'unicodePwd', values: [unicodePwd(generatePassword(16))] }),
        new Attribute({ type: 'pwdLastSet', values: ['0'] }),
        new Attribute({ type: 'userAccountControl', values: ['512'] }),
      ]);
      for (const g of s.entitlements) {
        await cl.modify(`CN=${g},OU=Groups,${root}`, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) }));
      }
    }
  }));
  const ms = performance.now() - t0;
  await Promise.all(clients.map((cl) => cl.unbind()));
  return ms;
}

async function main(): Promise<void> {
  console.log(`AD bench: ${N} joiners (password + 2 groups each), concurrency ${CONCURRENCY}; resetting Samba to a fresh domain…`);
  await sambaCtl('reset');
  const env = await sambaEnv();
  const admin = await sambaAdmin();
  const cadreRoot = `OU=Bench Cadre,${env.baseDN}`;
  const bareRoot = `OU=Bench Bare,${env.baseDN}`;
  await setupOu(admin, cadreRoot, 'c');
  await setupOu(admin, bareRoot, 'b');
  await admin.unbind();
  let cadreMs: number;
  let bareMs: number;
  if (args['bare-first']) {
    bareMs = await runBare(bareRoot);
    cadreMs = await runCadre(cadreRoot);
  } else {
    cadreMs = await runCadre(cadreRoot);
    bareMs = await runBare(bareRoot);
  }
  const rate = (ms: number): string => (N / (ms / 1000)).toFixed(1);
  console.log(`cadre connector: ${(cadreMs / 1000).toFixed(2)} s  ${rate(cadreMs)} users/s`);
  console.log(`bare ldapts:     ${(bareMs / 1000).toFixed(2)} s  ${rate(bareMs)} users/s`);
  const ratio = cadreMs / bareMs;
  console.log(`ratio cadre/bare time: ${ratio.toFixed(2)} (goal ≤ 1.20) ${ratio <= 1.2 ? 'OK' : 'OVER'}`);
  if (!args.keep) await sambaCtl('stop');
}

main().catch(async (e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  if (!args.keep) await sambaCtl('stop').catch(() => undefined);
  process.exit(1);
});
