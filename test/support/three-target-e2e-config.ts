/**
 * cadre.yaml for the three-target acceptance (issue 10): Personio simulator → AD (the shared Samba, this run's OU
 * tree) + Entra (Graph simulator) + a SCIM app (the scimmy server), with a REST target as the offboarding webhook,
 * notifications on a real SMTP server, the write-back and every offboarding step the directories can carry out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdE2eTree } from './ad-e2e-config.js';
import { E2E_CLIENT } from './entra-e2e-config.js';

const q = (s: string): string => JSON.stringify(s);

/** What the config points at. */
export interface ThreeTargetOptions {
  readonly dir: string;
  readonly personioUrl: string;
  readonly tree: AdE2eTree;
  readonly graph: { readonly url: string; readonly tenantId: string };
  readonly scimUrl: string;
  readonly hookUrl: string;
  readonly smtpPort: number;
  /** Extra offboarding steps (YAML list items indented by four blanks). */
  readonly moreSteps?: string;
  readonly file?: string;
}

/** Entitlement name of the Entra licence (SKU part number SPE_E3). */
export const E3_LICENCE = 'licence:e3';
/** The IT desk address that gets the joiner and offboarding mails. */
export const IT_DESK = 'it-desk@example.com';
/** Environment the CLI needs (the SCIM token and the REST secret come from `env:`). */
export const THREE_TARGET_ENV = { E2E_SCIM_TOKEN: '', E2E_HOOK_SECRET: 'three-target-hook-secret-0123456789' };

/** Build the YAML. */
export function threeTargetConfig(o: ThreeTargetOptions): string {
  const t = o.tree;
  return `source:
  type: personio
  baseUrl: ${q(o.personioUrl)}
  clientId: test-client
  clientSecret: test-secret
store: { driver: sqlite, path: ${q(join(o.dir, 'cadre.db'))} }
identifiers:
  username:
    patterns: ["{first}.{last}", "{f}{last}", "{f}{last}{n}"]
    maxLength: 20
  upn:
    patterns: ["{username}@example.com"]
    maxLength: 64
  mail:
    patterns: ["{first}.{last}@example.com", "{first}.{last}{n}@example.com"]
    maxLength: 64
lifecycle:
  preHireDays: 14
  retentionDays: 7
  leave: keep
  timezone: Europe/Berlin
  offboarding:
    - step: removeLicences
    - step: removeGroups
    - step: revokeSessions
    - step: homeFolder
      target: ad
      notify: [manager]
      webhook: hook
    - step: webhook
      target: hook
    - step: notify
      to: [manager, ${q(IT_DESK)}]${o.moreSteps ? `\n${o.moreSteps}` : ''}
    - step: delete
targets:
  ad:
    type: ad
    options:
      url: "ldaps://127.0.0.1:636"
      insecure: true
      bindDN: "CN=Administrator,CN=Users,DC=example,DC=test"
      bindPassword: "Adm1n!Passw0rd"
      baseDN: ${q(t.base)}
      usersOU: ${q(t.staff)}
      managedGroupsOUs: [${q(t.groups)}]
      groupNaming: cn
      disabledOU: ${q(t.disabled)}
      upnSuffix: example.com
      homeDirectory: { template: ${q('\\\\fs1\\home\\{{ id.username }}')}, drive: "H:" }
    password: true
    createOnly: [sAMAccountName]
    leaver: { moveToDisabled: true }
    attributes:
      sAMAccountName: "{{ id.username }}"
      userPrincipalName: "{{ id.upn }}"
      cn: "{{ firstName }} {{ lastName }}"
      displayName: "{{ firstName }} {{ lastName }}"
      givenName: "{{ firstName }}"
      sn: "{{ lastName }}"
      mail: "{{ id.mail }}"
      employeeID: "{{ personId }}"
      department: "{{ department }}"
      manager: "{{ supervisorId ? ref(supervisorId) : null }}"
    identifiers: { username: [sAMAccountName], upn: [userPrincipalName], mail: [mail, proxyAddresses] }
    placement: { default: ${q(t.staff)}, disabled: ${q(t.disabled)} }
  entra:
    type: entra
    options:
      tenantId: ${q(o.graph.tenantId)}
      clientId: ${q(E2E_CLIENT.clientId)}
      clientSecret: ${q(E2E_CLIENT.clientSecret)}
      authorityUrl: ${q(o.graph.url)}
      graphUrl: ${q(o.graph.url)}
      usageLocation: DE
      licences: { ${q(E3_LICENCE)}: SPE_E3 }
      groups: { "grp:all-staff": "All Staff" }
      # Sessions are revoked by the planned offboarding step only (not inside the disable).
      revokeSessionsOnDisable: false
    password: true
    attributes:
      userPrincipalName: "{{ id.upn }}"
      mailNickname: "{{ id.username }}"
      mail: "{{ id.mail }}"
      displayName: "{{ firstName }} {{ lastName }}"
      givenName: "{{ firstName }}"
      surname: "{{ lastName }}"
      employeeId: "{{ personId }}"
    identifiers: { username: [mailNickname], upn: [userPrincipalName] }
  saas:
    type: scim
    options:
      baseUrl: ${q(o.scimUrl)}
      auth: { type: bearer, token: env:E2E_SCIM_TOKEN }
    attributes:
      userName: "{{ id.upn }}"
      displayName: "{{ firstName }} {{ lastName }}"
      name.givenName: "{{ firstName }}"
      name.familyName: "{{ lastName }}"
      'emails[type eq "work"].value': "{{ id.mail }}"
    identifiers: { upn: [userName] }
  hook:
    type: rest
    options:
      baseUrl: ${q(o.hookUrl)}
      secret: env:E2E_HOOK_SECRET
      list: { url: /users, itemsPath: items, pageSize: 50 }
      actions:
        create: { method: POST, url: /users, body: "{{ account }}", status: [201] }
        update: { method: PATCH, url: "/users/{{ anchor }}", body: "{{ attributes }}" }
        delete: { method: DELETE, url: "/users/{{ anchor }}" }
        enable: { method: PATCH, url: "/users/{{ anchor }}", body: { enabled: true } }
        disable: { method: PATCH, url: "/users/{{ anchor }}", body: { enabled: false } }
        offboard:
          method: PATCH
          url: "/users/{{ anchor }}"
          body: { offboarding: "{{ step }}", endDate: "{{ endDate }}", homeFolder: "{{ path }}", handedTo: "{{ managerId }}" }
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 }
    attributes:
      userName: "{{ id.username }}"
      email: "{{ id.mail }}"
entitlements:
  - name: all-staff
    grant: { ad: ["GG-All-Staff"], entra: ["grp:all-staff", ${q(E3_LICENCE)}] }
  - name: sales
    when: { department: Sales }
    grant: { ad: ["GG-Sales"] }
thresholds: { default: { count: 1000, percent: 100 } }
notifications:
  # STARTTLS (required by default) with the test server's self-signed certificate.
  smtp: { host: 127.0.0.1, port: ${o.smtpPort}, secure: false, from: "cadre@example.com", insecure: true }
  defaultLanguage: en
  events: { joiner: [manager, ${q(IT_DESK)}] }
writeBack: { enabled: true, attributes: { dynamic_1003: "{{ id.mail }}", dynamic_1004: "{{ id.upn }}" } }
executor: { retries: 2, concurrency: 4 }
`;
}

/** Write the config into `dir` (as `file`, default cadre.yaml) and return its path. */
export function writeThreeTargetConfig(o: ThreeTargetOptions): string {
  const file = join(o.dir, o.file ?? 'cadre.yaml');
  writeFileSync(file, threeTargetConfig(o));
  return file;
}
