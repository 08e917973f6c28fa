/**
 * End-to-end tests against a real Samba AD DC: cadre.yaml text (Personio simulator → AD, optionally Entra too),
 * the OU/group tree each test run creates for itself, and raw LDAP reads as Administrator that check results
 * independently of the connector (ldapts only, no connector code).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Attribute, Change, Control } from 'ldapts';
import type { Client, Entry } from 'ldapts';
import { E2E_CLIENT } from './entra-e2e-config.js';

/** The domain the Samba test DC serves. */
export const DOMAIN_DN = 'DC=example,DC=test';
/** Every OU these tests create starts with this, so leftovers of crashed runs can be found and removed. */
export const E2E_OU_PREFIX = 'Cadre E2E';
const ADMIN_DN = 'CN=Administrator,CN=Users,DC=example,DC=test';
const ADMIN_PASSWORD = 'Adm1n!Passw0rd';

/** The containers of one test run, all below `root`. */
export interface AdE2eTree {
  readonly root: string;
  /** What Cadre manages (its baseDN). Foreign accounts live outside it. */
  readonly base: string;
  readonly berlin: string;
  readonly muenchen: string;
  readonly hamburg: string;
  readonly externals: string;
  readonly staff: string;
  readonly disabled: string;
  readonly legacy: string;
  readonly groups: string;
  /** Unmanaged groups (inside the base DN, but outside the managed groups OU). */
  readonly other: string;
  /** Outside the base DN: accounts Cadre does not manage but must not collide with. */
  readonly foreign: string;
  /** Short unique suffix of this run (group sAMAccountNames are domain-wide). */
  readonly run: string;
}

/** The tree for an OU name like `Cadre E2E ad 1a2b3c`. */
export function adE2eTree(kind: string, run: string): AdE2eTree {
  const root = `OU=${E2E_OU_PREFIX} ${kind} ${run},${DOMAIN_DN}`;
  const base = `OU=Managed,${root}`;
  return {
    root, base, run,
    berlin: `OU=Berlin,${base}`,
    muenchen: `OU=München,${base}`,
    hamburg: `OU=Hamburg,${base}`,
    externals: `OU=Externals,${base}`,
    staff: `OU=Staff,${base}`,
    disabled: `OU=Disabled,${base}`,
    legacy: `OU=Legacy,${base}`,
    groups: `OU=Groups,${base}`,
    other: `OU=Other,${base}`,
    foreign: `OU=Foreign,${root}`,
  };
}

/** Managed groups every run creates (cn); location groups are granted by a template rule. */
export const AD_E2E_GROUPS = ['GG-All-Staff', 'GG-Finance', 'GG-Sales', 'GG-Engineering', 'GG-Loc-Berlin', 'GG-Loc-München', 'GG-Loc-Hamburg'] as const;
/** The unmanaged group (outside the managed groups OU). */
export const AD_E2E_UNMANAGED = 'VPN Users';

/** A raw Administrator connection (LDAPS, self-signed certificate accepted). */
export async function rawAdmin(): Promise<Client> {
  const { Client: LdapClient } = await import('ldapts');
  const c = new LdapClient({ url: 'ldaps://127.0.0.1:636', tlsOptions: { rejectUnauthorized: false }, timeout: 60_000 });
  await c.bind(ADMIN_DN, ADMIN_PASSWORD);
  return c;
}

/** Delete a subtree in one request (tree-delete control); a missing one is fine. */
export async function treeDelete(admin: Client, dn: string): Promise<void> {
  try {
    await admin.del(dn, [new Control('1.2.840.113556.1.4.805', { critical: true })]);
  } catch (e) {
    if ((e as { code?: number }).code !== 32) throw e;
  }
}

/** Trees younger than this may belong to a suite running right now (test runs share one DC). */
const STALE_AFTER_MS = 30 * 60_000;

/** AD GeneralizedTime (`20260615100000.0Z`) as epoch milliseconds. */
function generalizedTime(v: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(v);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : 0;
}

/**
 * Remove the trees of earlier runs (crashed tests leave accounts whose domain-wide sAMAccountNames and UPNs
 * would shift this run's identifiers). Only trees older than {@link STALE_AFTER_MS} go: a younger one may be a live
 * suite of a parallel test run on the same DC.
 */
export async function removeStaleTrees(admin: Client): Promise<void> {
  const r = await admin.search(DOMAIN_DN, { scope: 'one', filter: '(objectClass=organizationalUnit)', attributes: ['ou', 'whenCreated'] });
  for (const e of r.searchEntries) {
    const ou = String(Array.isArray(e['ou']) ? e['ou'][0] : e['ou'] ?? '');
    const created = generalizedTime(String(Array.isArray(e['whenCreated']) ? e['whenCreated'][0] : e['whenCreated'] ?? ''));
    if (ou.startsWith(`${E2E_OU_PREFIX} `) && Date.now() - created > STALE_AFTER_MS) await treeDelete(admin, e.dn);
  }
}

/** Create the run's OUs, the managed groups and the unmanaged group. */
export async function createTree(admin: Client, t: AdE2eTree): Promise<void> {
  const ou = { objectClass: ['top', 'organizationalUnit'] };
  for (const dn of [t.root, t.base, t.berlin, t.muenchen, t.hamburg, t.externals, t.staff, t.disabled, t.legacy, t.groups, t.other, t.foreign]) {
    await admin.add(dn, ou);
  }
  for (const [i, cn] of AD_E2E_GROUPS.entries()) {
    await admin.add(`CN=${cn},${t.groups}`, { objectClass: ['top', 'group'], sAMAccountName: `g${i}-${t.run}` });
  }
  await admin.add(`CN=${AD_E2E_UNMANAGED},${t.other}`, { objectClass: ['top', 'group'], sAMAccountName: `vpn-${t.run}` });
}

/** Delete the run's tree. */
export async function removeTree(admin: Client, t: AdE2eTree): Promise<void> {
  await treeDelete(admin, t.root);
}

/** A user as read raw from the directory. */
export interface RawUser {
  readonly dn: string;
  /** objectGUID as hex (identity across renames and moves). */
  readonly guid: string;
  readonly entry: Entry;
  /** cn of every group the user is a member of, sorted. */
  readonly groups: string[];
}

/** First value of an attribute as a string. */
export function one(e: Entry, a: string): string | undefined {
  const key = Object.keys(e).find((k) => k.toLowerCase() === a.toLowerCase());
  const v = key === undefined ? undefined : e[key];
  if (v === undefined) return undefined;
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined ? undefined : Buffer.isBuffer(x) ? x.toString('utf8') : String(x);
}

/** All values of an attribute as strings. */
export function many(e: Entry, a: string): string[] {
  const key = Object.keys(e).find((k) => k.toLowerCase() === a.toLowerCase());
  const v = key === undefined ? undefined : e[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

/** The parent DN, compared case-insensitively by {@link sameDnText}. */
export function parentOf(dn: string): string {
  // split at the first comma that is not escaped
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') { i++; continue; }
    if (dn[i] === ',') return dn.slice(i + 1);
  }
  return '';
}

/** DN equality ignoring case and blanks after commas. */
export function sameDnText(a: string, b: string): boolean {
  const n = (s: string): string => s.replace(/,\s+/g, ',').toLowerCase();
  return n(a) === n(b);
}

const USER_ATTRS = ['*', 'objectGUID', 'memberOf', 'userAccountControl', 'pwdLastSet', 'accountExpires'];

async function groupNames(admin: Client, e: Entry): Promise<string[]> {
  const out: string[] = [];
  for (const g of many(e, 'memberOf')) {
    const r = await admin.search(g, { scope: 'base', attributes: ['cn'] });
    const cn = r.searchEntries[0] === undefined ? undefined : one(r.searchEntries[0], 'cn');
    if (cn !== undefined) out.push(cn);
  }
  return out.sort();
}

async function toRaw(admin: Client, e: Entry): Promise<RawUser> {
  const g = e['objectGUID'];
  const guid = Buffer.isBuffer(g) ? g.toString('hex') : Array.isArray(g) && Buffer.isBuffer(g[0]) ? g[0].toString('hex') : '';
  return { dn: e.dn, guid, entry: e, groups: await groupNames(admin, e) };
}

/** Every user object below `base` (default: the whole domain) whose employeeID is `pid`. */
export async function usersWithEmployeeId(admin: Client, pid: string | number, base = DOMAIN_DN): Promise<RawUser[]> {
  const { EqualityFilter, AndFilter } = await import('ldapts');
  const filter = new AndFilter({ filters: [new EqualityFilter({ attribute: 'objectClass', value: 'user' }), new EqualityFilter({ attribute: 'employeeID', value: String(pid) })] });
  const r = await admin.search(base, { scope: 'sub', filter, attributes: USER_ATTRS, explicitBufferAttributes: ['objectGUID'] });
  return Promise.all(r.searchEntries.map((e) => toRaw(admin, e)));
}

/** Every user object of the domain with this sAMAccountName (0 or 1). */
export async function usersWithSam(admin: Client, sam: string): Promise<RawUser[]> {
  const { EqualityFilter } = await import('ldapts');
  const r = await admin.search(DOMAIN_DN, { scope: 'sub', filter: new EqualityFilter({ attribute: 'sAMAccountName', value: sam }), attributes: USER_ATTRS, explicitBufferAttributes: ['objectGUID'] });
  return Promise.all(r.searchEntries.map((e) => toRaw(admin, e)));
}

/** Every user below a container with an employeeID (one search, no group names). */
export async function employeeAccounts(admin: Client, base: string): Promise<Entry[]> {
  const r = await admin.search(base, { scope: 'sub', filter: '(&(objectClass=user)(employeeID=*))', attributes: ['employeeID', 'sAMAccountName', 'userPrincipalName', 'memberOf', 'userAccountControl', 'manager', 'pwdLastSet'], paged: { pageSize: 500 } });
  return r.searchEntries;
}

/** Add or remove a group membership directly (drift made by an admin). */
export async function setMember(admin: Client, groupDn: string, userDn: string, add: boolean): Promise<void> {
  await admin.modify(groupDn, new Change({ operation: add ? 'add' : 'delete', modification: new Attribute({ type: 'member', values: [userDn] }) }));
}

/** Replace one attribute directly. */
export async function setAttr(admin: Client, dn: string, attribute: string, values: string[] | Buffer[]): Promise<void> {
  await admin.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values }) }));
}

/** unicodePwd value for a password. */
export function pwd(p: string): Buffer {
  return Buffer.from(`"${p}"`, 'utf16le');
}

/** Create an enabled user directly (not through Cadre), with a password that need not be changed. */
export async function addRawUser(admin: Client, dn: string, attrs: Record<string, string>, password: string): Promise<void> {
  const list = Object.entries(attrs).map(([type, v]) => new Attribute({ type, values: [v] }));
  list.push(
    new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
    new Attribute({ type: 'unicodePwd', values: [pwd(password)] }),
    new Attribute({ type: 'userAccountControl', values: ['512'] }),
  );
  await admin.add(dn, list);
}

/** Set a password an admin knows, as if the user had changed it (no change required at next logon). */
export async function setKnownPassword(admin: Client, dn: string, password: string): Promise<void> {
  await admin.modify(dn, [
    new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [pwd(password)] }) }),
    new Change({ operation: 'replace', modification: new Attribute({ type: 'pwdLastSet', values: ['-1'] }) }),
  ]);
}

/** Options for {@link adE2eConfig}. */
export interface AdE2eConfigOptions {
  dir: string;
  personioUrl: string;
  tree: AdE2eTree;
  /** Home folders created below this local path, archived to `archiveRoot` on delete. */
  home?: { shareRoot: string; archiveRoot: string };
  retentionDays?: number;
  /** Also configure an Entra target (Graph simulator) with the same identifier kinds. */
  entra?: { graphUrl: string; tenantId: string };
  /**
   * Identifier kinds: `full` = username, upn, mail (default); `usernameUpn` = only username and upn; `derived` =
   * username and a UPN built from it (`{username}@example.com`).
   */
  identifiers?: 'full' | 'usernameUpn' | 'derived';
  /** AD connector concurrency. */
  concurrency?: number;
  executorRetries?: number;
  /** More lines of the AD target block (indented by four blanks), e.g. `correlation:` or `exclude:`. */
  adExtra?: string;
  /** Replaces the permissive default thresholds line. */
  thresholds?: string;
  extra?: string;
}

const q = (s: string): string => JSON.stringify(s);

function identifiersYaml(kind: 'full' | 'usernameUpn' | 'derived'): string {
  if (kind === 'derived') {
    return `identifiers:
  username:
    patterns: ["{f}{last}", "{first:2}{last}", "{f}{last}{n}"]
    maxLength: 20
  upn:
    patterns: ["{username}@example.com"]
    maxLength: 64`;
  }
  if (kind === 'usernameUpn') {
    return `identifiers:
  username:
    patterns: ["{f}{last}", "{first:2}{last}", "{f}{last}{n}"]
    maxLength: 20
  upn:
    patterns: ["{first}.{last}@example.com", "{f}.{last}@example.com", "{first}.{last}{n}@example.com"]
    maxLength: 64
    onNameChange: regenerate`;
  }
  return `identifiers:
  username:
    patterns: ["{first}.{last}", "{f}{last}", "{first:2}{last}", "{f}{last}{n}"]
    maxLength: 20
    onNameChange: keep
  upn:
    patterns: ["{first}.{last}@example.com", "{f}.{last}@example.com", "{first}.{last}{n}@example.com"]
    maxLength: 64
    onNameChange: regenerate
  mail:
    patterns: ["{first}.{last}@example.com", "{f}.{last}@example.com", "{first}.{last}{n}@example.com"]
    maxLength: 64
    onNameChange: regenerate`;
}

/** The AD target block. */
function adTargetYaml(o: AdE2eConfigOptions): string {
  const t = o.tree;
  const full = (o.identifiers ?? 'full') === 'full';
  const home = o.home
    ? `\n      homeDirectory: { template: ${q('\\\\fs1\\home\\{{ id.username }}')}, drive: "H:", shareRoot: ${q(o.home.shareRoot)}, archiveRoot: ${q(o.home.archiveRoot)} }`
    : '';
  return `  ad:
    type: ad
    options:
      url: "ldaps://127.0.0.1:636"
      insecure: true
      bindDN: ${q(ADMIN_DN)}
      bindPassword: ${q(ADMIN_PASSWORD)}
      baseDN: ${q(t.base)}
      usersOU: ${q(t.staff)}
      managedGroupsOUs: [${q(t.groups)}]
      groupNaming: cn
      disabledOU: ${q(t.disabled)}
      upnSuffix: example.com
      stampDescription: true
      accountExpiresFromEndDate: false
      concurrency: ${o.concurrency ?? 2}${home}
    password: true
    createOnly: [sAMAccountName]
    secondaryCorrelation: { attribute: mail, value: "{{ email }}" }
    leaver: { removeEntitlements: true, moveToDisabled: true }
    attributes:
      sAMAccountName: "{{ id.username }}"
      userPrincipalName: "{{ id.upn }}"
      cn: "{{ preferredName ?? firstName }} {{ lastName }}"
      displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
      givenName: "{{ preferredName ?? firstName }}"
      sn: "{{ lastName }}"
${full ? '      mail: "{{ id.mail }}"' : '      mail: "{{ id.upn }}"'}
      employeeID: "{{ personId }}"
      accountExpires: "{{ filetime(endDate, 'Europe/Berlin') }}"
      department: "{{ department }}"
      title: "{{ position }}"
      company: "Example GmbH"
      physicalDeliveryOfficeName: "{{ office }}"
      telephoneNumber: "{{ custom.phone }}"
      manager: "{{ supervisorId ? ref(supervisorId) : null }}"
    identifiers: { username: [sAMAccountName], upn: [userPrincipalName]${full ? ', mail: [mail, proxyAddresses]' : ''} }
    placement:
      by: office
      map: { Berlin: ${q(t.berlin)}, "München": ${q(t.muenchen)}, Hamburg: ${q(t.hamburg)} }
      default: ${q(t.staff)}
      rules:
        - when: { employmentType: external }
          container: ${q(t.externals)}
      disabled: ${q(t.disabled)}${o.adExtra ? `\n${o.adExtra}` : ''}`;
}

function entraTargetYaml(e: NonNullable<AdE2eConfigOptions['entra']>): string {
  return `  entra:
    type: entra
    options:
      tenantId: ${q(e.tenantId)}
      clientId: ${q(E2E_CLIENT.clientId)}
      clientSecret: ${q(E2E_CLIENT.clientSecret)}
      authorityUrl: ${q(e.graphUrl)}
      graphUrl: ${q(e.graphUrl)}
      usageLocation: DE
      upnFollowsName: true
      groups: { "grp:all-staff": "All Staff" }
    password: true
    attributes:
      userPrincipalName: "{{ id.upn }}"
      mailNickname: "{{ id.username }}"
      mail: "{{ id.upn }}"
      displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
      givenName: "{{ preferredName ?? firstName }}"
      surname: "{{ lastName }}"
      employeeId: "{{ personId }}"
      department: "{{ department }}"
    identifiers: { username: [mailNickname], upn: [userPrincipalName] }`;
}

/** Build the YAML. */
export function adE2eConfig(o: AdE2eConfigOptions): string {
  const targets = [adTargetYaml(o), ...(o.entra ? [entraTargetYaml(o.entra)] : [])].join('\n');
  const entraGrant = o.entra ? ', entra: ["grp:all-staff"]' : '';
  return `source:
  type: personio
  baseUrl: ${q(o.personioUrl)}
  clientId: test-client
  clientSecret: test-secret
  customAttributes: { phone: dynamic_1001 }
store: { driver: sqlite, path: ${q(join(o.dir, 'cadre.db'))} }
${identifiersYaml(o.identifiers ?? 'full')}
lifecycle: { preHireDays: 14, retentionDays: ${o.retentionDays ?? 7}, leave: keep, timezone: Europe/Berlin }
targets:
${targets}
entitlements:
  - name: all-staff
    grant: { ad: ["GG-All-Staff"]${entraGrant} }
  - name: finance
    when: { department: Finance }
    grant: { ad: ["GG-Finance"] }
  - name: sales
    when: { department: Sales }
    grant: { ad: ["GG-Sales"] }
  - name: engineering
    when: { department: Engineering }
    grant: { ad: ["GG-Engineering"] }
  - name: location
    description: location group by office
    when: { office: { in: [Berlin, "München", Hamburg] } }
    grant: { ad: ["GG-Loc-{{ office }}"] }
${o.thresholds ?? 'thresholds: { default: { count: 1000, percent: 100 } }'}
executor: { retries: ${o.executorRetries ?? 2}, concurrency: 4 }
${o.extra ?? ''}
`;
}

/** Write cadre.yaml into dir and return its path. */
export function writeAdE2eConfig(o: AdE2eConfigOptions): string {
  const file = join(o.dir, 'cadre.yaml');
  writeFileSync(file, adE2eConfig(o));
  return file;
}
