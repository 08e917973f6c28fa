/** cadre.yaml text for end-to-end tests: Personio (simulator) → one Entra ID target (Graph simulator). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** App registration the Graph simulator accepts in these tests (not a real secret). */
export const E2E_CLIENT = { clientId: '6a1d3c0e-0000-4000-8000-0000000e2e01', clientSecret: 'e2e-only-secret~not-real' } as const;

/** Entitlement name → group displayName used by {@link entraE2eConfig}. */
export const E2E_GROUPS: Readonly<Record<string, string>> = {
  'grp:all-staff': 'All Staff',
  'grp:finance': 'Finance',
  'grp:sales': 'Sales',
  'grp:engineering': 'Engineering',
};

/** Entitlement name → SKU part number used by {@link entraE2eConfig}. */
export const E2E_LICENCES: Readonly<Record<string, string>> = { 'licence:e3': 'SPE_E3', 'licence:f1': 'SPE_F1' };

/** Options for {@link entraE2eConfig}. */
export interface EntraE2eConfigOptions {
  dir: string;
  personioUrl: string;
  /** Graph simulator base URL (authority and Graph share it). */
  graphUrl: string;
  tenantId: string;
  /** Name changes also change the UPN (connector option `upnFollowsName`). */
  upnFollowsName?: boolean;
  /** Leavers lose every managed entitlement (groups and licences). */
  removeEntitlements?: boolean;
  retentionDays?: number;
  /** Adopt legacy users without an employeeId whose mail equals the person's Personio e-mail. */
  secondaryCorrelation?: boolean;
  /** The correlation template (`targets.entra.correlation.value`), e.g. `P-{{ personId }}`. */
  correlation?: string;
  /** Extra YAML appended at the end. */
  extra?: string;
}

const q = (s: string): string => JSON.stringify(s);
const map = (m: Readonly<Record<string, string>>): string => `{ ${Object.entries(m).map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')} }`;

/** Build the YAML. */
export function entraE2eConfig(o: EntraE2eConfigOptions): string {
  return `source:
  type: personio
  baseUrl: ${q(o.personioUrl)}
  clientId: test-client
  clientSecret: test-secret
store: { driver: sqlite, path: ${q(join(o.dir, 'cadre.db'))} }
identifiers:
  username:
    patterns: ["{first}.{last}", "{f}{last}", "{first:2}{last}", "{f}{last}{n}"]
    maxLength: 20
    onNameChange: regenerate
  upn:
    patterns: ["{username}@example.com", "{username}{n}@example.com"]
    maxLength: 113
    onNameChange: regenerate
  mail:
    patterns: ["{first}.{last}@example.com", "{f}.{last}@example.com", "{first}.{last}{n}@example.com"]
    maxLength: 64
    onNameChange: regenerate
lifecycle: { preHireDays: 14, retentionDays: ${o.retentionDays ?? 7}, leave: keep, timezone: Europe/Berlin }
targets:
  entra:
    type: entra
    options:
      tenantId: ${q(o.tenantId)}
      clientId: ${q(E2E_CLIENT.clientId)}
      clientSecret: ${q(E2E_CLIENT.clientSecret)}
      authorityUrl: ${q(o.graphUrl)}
      graphUrl: ${q(o.graphUrl)}
      usageLocation: DE
      upnFollowsName: ${o.upnFollowsName ?? true}
      licences: ${map(E2E_LICENCES)}
      groups: ${map(E2E_GROUPS)}
    password: true
    leaver: { removeEntitlements: ${o.removeEntitlements ?? true} }${o.secondaryCorrelation ? '\n    secondaryCorrelation: { attribute: mail, value: "{{ email }}" }' : ''}${o.correlation ? `\n    correlation: { value: ${q(o.correlation)} }` : ''}
    attributes:
      userPrincipalName: "{{ id.upn }}"
      mailNickname: "{{ id.username }}"
      mail: "{{ id.mail }}"
      displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
      givenName: "{{ preferredName ?? firstName }}"
      surname: "{{ lastName }}"
      employeeId: "{{ personId }}"
      department: "{{ department }}"
      jobTitle: "{{ position }}"
      officeLocation: "{{ office }}"
      companyName: "Example GmbH"
      usageLocation: "DE"
      employeeHireDate: "{{ hireDate }}"
      manager: "{{ supervisorId ? ref(supervisorId) : null }}"
    identifiers: { username: [mailNickname], upn: [userPrincipalName], mail: [mail] }
entitlements:
  - name: all-staff
    grant: { entra: ["grp:all-staff"] }
  - name: finance
    when: { department: Finance }
    grant: { entra: ["grp:finance", "licence:e3"] }
  - name: engineering
    when: { department: Engineering }
    grant: { entra: ["grp:engineering", "licence:e3"] }
  - name: sales
    when: { department: Sales }
    grant: { entra: ["grp:sales", "licence:f1"] }
thresholds: { default: { count: 1000, percent: 100 } }
executor: { retries: 2, concurrency: 4 }
${o.extra ?? ''}
`;
}

/** Write cadre.yaml into dir and return its path. */
export function writeEntraE2eConfig(o: EntraE2eConfigOptions): string {
  const file = join(o.dir, 'cadre.yaml');
  writeFileSync(file, entraE2eConfig(o));
  return file;
}
