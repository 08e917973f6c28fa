/** The test IdP's users and the roleMap that matches them (no oidc-provider import: the console support uses it). */

/** A person who can sign in at the test provider (the login name is the account id and `sub`). */
export interface OidcTestUser {
  login: string;
  email: string;
  name: string;
  groups: string[];
}

/** Users every test can rely on: one per console role, one whose groups map to nothing, two managers. */
export const OIDC_USERS: readonly OidcTestUser[] = [
  { login: 'olivia', email: 'Olivia.Admin@example.com', name: 'Olivia Admin', groups: ['Cadre-Admins', 'Everyone'] },
  { login: 'hank', email: 'hank.help@example.com', name: 'Hank Help', groups: ['Helpdesk'] },
  { login: 'audrey', email: 'audrey.audit@example.com', name: 'Audrey Audit', groups: ['Audit'] },
  { login: 'nobody', email: 'no.body@example.com', name: 'No Body', groups: ['Everyone', 'Kitchen'] },
  // Managers: mia's e-mail is a Personio person's (tests give that person this address), max's is nobody's.
  { login: 'mia', email: 'MIA.Manager@example.com', name: 'Mia Manager', groups: ['Managers'] },
  { login: 'max', email: 'max.unlinked@example.com', name: 'Max Unlinked', groups: ['Managers'] },
];

/** The `roleMap` that matches {@link OIDC_USERS}. */
export const OIDC_ROLE_MAP = { admin: ['Cadre-Admins'], helpdesk: ['Helpdesk'], manager: ['Managers'], auditor: ['Audit'] } as const;
