/**
 * Options of the Active Directory target (`targets.<name>.options` with `type: ad`), validated with zod.
 * Passwords arrive already resolved (`env:`/`file:` references are resolved by the config loader).
 */
import { z } from 'zod';
import { isTimeZone } from '../../core/lifecycle.js';
import { AdTargetError } from './errors.js';
import { splitDn } from './escape.js';

const dn = z.string().min(3).regex(/^[A-Za-z][A-Za-z0-9-]*=/, 'expected a distinguished name such as OU=Staff,DC=example,DC=com');

/** zod guard for the AD target options. */
export const adTargetGuard = z
  .object({
    /** `ldaps://dc1.example.com:636`, or `ldap://…:389` together with `startTls: true`. */
    url: z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'expected ldaps://host[:port] or ldap://host[:port]'),
    /** Upgrade an `ldap://` connection with StartTLS before binding. */
    startTls: z.boolean().default(false),
    /** Service account DN or `user@domain` / `DOMAIN\user`. */
    bindDN: z.string().min(1),
    /** Service account password (already resolved). Never logged. */
    bindPassword: z.string().min(1),
    /** PEM file with the CA certificate(s) to trust for the DC's certificate. */
    caFile: z.string().min(1).optional(),
    /** Accept any server certificate (self-signed test DCs only). */
    insecure: z.boolean().default(false),
    /** Everything Cadre lists and searches lives below this DN. */
    baseDN: dn,
    /** Default container for new accounts when placement gives none. */
    usersOU: dn,
    /** Every group below these OUs is managed (may be revoked). */
    managedGroupsOUs: z.array(dn).default([]),
    /** Individually managed groups, by DN or by name (sAMAccountName or cn). */
    managedGroups: z.array(z.string().min(1)).default([]),
    /**
     * Unmanaged groups below these OUs may lose a member when an access review removed that membership (the revoke's
     * reason is the review); default: anything below `baseDN`. Cadre never grants them and never touches them otherwise.
     */
    reviewGroupsOUs: z.array(dn).optional(),
    /** How groups found below `managedGroupsOUs` are named in entitlements: their `cn` (default) or their DN. */
    groupNaming: z.enum(['cn', 'dn']).default('cn'),
    /** Container of disabled accounts (informational; placement decides moves). */
    disabledOU: dn.optional(),
    /** UPN suffix, e.g. `example.com` (used to validate / build UPNs). */
    upnSuffix: z.string().min(1),
    /** Attribute holding the person id. */
    correlationAttribute: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('employeeID'),
    /** Identifier kind → attributes that must be free. */
    identifierAttributes: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({
      username: ['sAMAccountName'], upn: ['userPrincipalName'], mail: ['mail', 'proxyAddresses'],
    }),
    /**
     * proxyAddresses from the person's reserved addresses: `SMTP:` + the first kind's primary value, `smtp:` + every
     * other value of these kinds, former ones included (the old address after a marriage). Cadre adds and removes
     * only those addresses, value by value; `X500:`, `SIP:`, `x400:` and other `smtp:` values are never touched.
     * `false`: Cadre leaves proxyAddresses alone (unless an attribute template maps it, which replaces every value).
     */
    proxyAddresses: z.union([
      z.literal(false),
      z.object({ identifiers: z.array(z.string().min(1)).min(1).default(['mail']) }).strict(),
    ]).default({ identifiers: ['mail'] }),
    homeDirectory: z
      .object({
        /** UNC template; `{{ id.username }}`/`{{ sAMAccountName }}` are replaced, e.g. `\\\\fs1\\home\\{{ id.username }}`. */
        template: z.string().min(3),
        /** Drive letter, e.g. `H:`. */
        drive: z.string().regex(/^[A-Z]:$/, 'a single uppercase letter and a colon, e.g. H:'),
        /** Local path (on the Cadre host) where the home folders are created, or omit to only set the attributes. */
        shareRoot: z.string().min(1).optional(),
        /** Local path where folders of deleted accounts are moved (with a timestamp). */
        archiveRoot: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Length of generated initial passwords. */
    passwordLength: z.number().int().min(8).max(128).default(16),
    /** Set `accountExpires` from the person's end date: the account expires at the end of that day. The config loader turns it into the `accountExpires` mapping (src/config/implicit-mappings.ts), so it also follows a changed end date. */
    accountExpiresFromEndDate: z.boolean().default(false),
    /** IANA zone for `accountExpiresFromEndDate` and date-valued `accountExpires` mappings; defaults to `lifecycle.timezone`. */
    timezone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Europe/Berlin').optional(),
    /** On disable, write `Disabled by Cadre on YYYY-MM-DD: <reason>` into `description`. */
    stampDescription: z.boolean().default(true),
    /** Paged search page size (AD's MaxPageSize is 1000). */
    pageSize: z.number().int().min(1).max(1000).default(500),
    /** Values per range-retrieval step for `member` (MaxValRange is 1500). */
    rangeSize: z.number().int().min(10).max(1500).default(1500),
    /** Max concurrent operations (and LDAP connections). Samba/AD serialise writes, so more rarely helps. */
    concurrency: z.number().int().min(1).max(32).default(2),
    /** Per-operation timeout. */
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.url.startsWith('ldap://') && !o.startTls) {
      ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'ldap:// needs startTls: true (passwords are only ever sent encrypted); or use ldaps://' });
    }
    if (o.url.startsWith('ldaps://') && o.startTls) {
      ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'startTls is only for ldap:// URLs (ldaps:// is already TLS)' });
    }
    if (o.caFile !== undefined && o.insecure) {
      ctx.addIssue({ code: 'custom', path: ['insecure'], message: 'either caFile or insecure, not both' });
    }
    // Every container lives in baseDN's domain. An unquoted DN in a YAML flow list ([OU=Groups,DC=example,DC=com])
    // is split at its commas into "OU=Groups", "DC=example", "DC=com": caught here, not at the first LDAP search.
    const dcs = splitDn(o.baseDN).filter((r) => /^dc=/i.test(r));
    const domain = dcs.map((r) => r.toLowerCase().replace(/\s*=\s*/, '='));
    const inDomain = (dn: string): boolean => {
      const rdns = splitDn(dn).map((r) => r.toLowerCase().replace(/\s*=\s*/, '='));
      return domain.length > 0 && rdns.length >= domain.length && rdns.slice(-domain.length).join(',') === domain.join(',');
    };
    const check = (dn: string | undefined, path: (string | number)[]): void => {
      if (dn === undefined || inDomain(dn)) return;
      const hint = splitDn(dn).length === 1 ? ': a DN in a YAML [list] must be quoted, else its commas split it into several items' : '';
      ctx.addIssue({ code: 'custom', path, message: `"${dn}" is not in the domain of baseDN (${dcs.join(',')})${hint}` });
    };
    if (domain.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['baseDN'], message: 'expected a DN ending in the domain, such as OU=Staff,DC=example,DC=com' });
      return;
    }
    check(o.usersOU, ['usersOU']);
    check(o.disabledOU, ['disabledOU']);
    o.managedGroupsOUs.forEach((dn, i) => check(dn, ['managedGroupsOUs', i]));
  });

/** A problem in an AD target block beyond its options (path relative to the target). */
export interface AdTargetProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Checks across an AD target's options and the rest of its block: a template for proxyAddresses would replace
 * every value (Exchange's X500:/SIP: addresses included) while Cadre also manages it value by value.
 */
export function adTargetProblems(options: Record<string, unknown>, attributes: Readonly<Record<string, string>>, identifierKinds: readonly string[]): AdTargetProblem[] {
  const out: AdTargetProblem[] = [];
  const raw = options['proxyAddresses'];
  const mapped = Object.keys(attributes).find((a) => a.toLowerCase() === 'proxyaddresses');
  if (raw !== false && mapped !== undefined) {
    out.push({
      path: ['attributes', mapped],
      message: 'proxyAddresses is built by Cadre (options.proxyAddresses: SMTP: primary, smtp: former addresses, foreign values kept); a template would replace every value, X500: and SIP: included. Remove this mapping, or set options.proxyAddresses: false to keep it',
    });
  }
  const kinds = typeof raw === 'object' && raw !== null ? (raw as { identifiers?: unknown }).identifiers : undefined;
  if (Array.isArray(kinds)) {
    kinds.forEach((k, i) => {
      if (typeof k === 'string' && !identifierKinds.includes(k)) {
        out.push({ path: ['options', 'proxyAddresses', 'identifiers', i], message: `no identifier kind "${k}" is configured (known: ${identifierKinds.join(', ') || 'none'})` });
      }
    });
  }
  return out;
}

/** Validated AD target options. */
export type AdTargetOptions = z.infer<typeof adTargetGuard>;

/** Validate raw options; throws a coded `CONFIG_INVALID` error naming the option path. Never echoes the password. */
export function parseAdTargetOptions(target: string, raw: Record<string, unknown>): AdTargetOptions {
  const r = adTargetGuard.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `targets.${target}.options.${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  throw new AdTargetError('CONFIG_INVALID', issues.join('; '));
}
