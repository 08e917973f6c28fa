/** The commented AD, Entra and SCIM target blocks of `cadre init`'s example config (see example.ts). */
export const TARGETS_EXAMPLE = `  # Active Directory over LDAPS (the service account needs create/modify rights on baseDN only).
  # ad:
  #   type: ad
  #   options:
  #     url: ldaps://dc1.example.com
  #     bindDN: CN=svc-cadre,OU=Service Accounts,DC=example,DC=com
  #     bindPassword: env:AD_BIND_PASSWORD
  #     baseDN: OU=Staff,DC=example,DC=com
  #     usersOU: OU=Staff,DC=example,DC=com       # default container when placement gives none
  #     managedGroupsOUs: ["OU=Groups,DC=example,DC=com"]   # groups below are managed (quote DNs in [lists])
  #     upnSuffix: example.com
  #     # caFile: /etc/ssl/certs/example-ca.pem   # trust the domain's CA for LDAPS
  #     # proxyAddresses: "SMTP:" + id.mail, "smtp:" + every former mail (after a marriage the old address keeps
  #     # working). Cadre adds and removes only these addresses, value by value; X500:, SIP:, x400: and other
  #     # smtp: values (Exchange's, or added by hand) are never touched. false: Cadre leaves proxyAddresses alone.
  #     proxyAddresses: { identifiers: [mail] }   # add upn to also keep the UPN and former UPNs as smtp: aliases
  #   identifiers:
  #     username: [sAMAccountName]
  #     upn: [userPrincipalName]
  #     mail: [mail, proxyAddresses]
  #   attributes:
  #     sAMAccountName: "{{ id.username }}"
  #     userPrincipalName: "{{ id.upn }}"
  #     mail: "{{ id.mail }}"                  # follows a marriage; proxyAddresses (above) keeps the old one
  #     givenName: "{{ preferredName ?? firstName }}"
  #     sn: "{{ lastName }}"
  #     displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
  #     department: "{{ department }}"
  #     title: "{{ position }}"
  #     company: "{{ subcompany }}"
  #     accountExpires: "{{ filetime(endDate, 'Europe/Berlin') }}"   # expires at the end of the last day, even if Cadre is down
  #     manager: "{{ ref(supervisorId) }}"
  #   placement:
  #     by: office
  #     map:
  #       Berlin: OU=Berlin,OU=Staff,DC=example,DC=com
  #       München: OU=Muenchen,OU=Staff,DC=example,DC=com
  #     default: OU=Staff,DC=example,DC=com
  #     rules:
  #       - when: { employmentType: external }
  #         container: OU=External,OU=Staff,DC=example,DC=com
  #     disabled: OU=Disabled,OU=Staff,DC=example,DC=com
  #   managedEntitlements: ["CN=GG-*"]
  #   # employeeID holds the correlation value. Stamp "P-<Personio id>", so legacy payroll numbers already in
  #   # employeeID are never taken for Personio ids (only the person id and fixed text are allowed here).
  #   correlation: { value: "P-{{ personId }}" }
  #   # Legacy accounts without an id are adopted by their mail address (reviewed: see thresholds.adopt).
  #   secondaryCorrelation: { attribute: mail, value: "{{ email }}" }
  #   exclude:                          # never touched, even with an employeeID: break-glass and service accounts
  #     - upn: "breakglass*@example.com"
  #     - dn: "*,OU=Service Accounts,DC=example,DC=com"
  #     - memberOf: "CN=Tier0 Admins,OU=Groups,DC=example,DC=com"
  #   privilegedEntitlements: ["CN=GG-Domain-Admins,*"]   # every grant needs --approve
  #   createOnly: [sAMAccountName]    # a login is set once: never renamed, also not when a legacy account is adopted
  #   password: true                  # random initial password, mailed to the manager only
  #   leaver: { removeEntitlements: true, moveToDisabled: true }
  #   reenable: ifDisabledByCadre     # an account locked by hand stays disabled; or "always", or "never"

  # Entra ID (Microsoft Graph; app registration with User.ReadWrite.All, GroupMember.ReadWrite.All,
  # LicenseAssignment.ReadWrite.All as application permissions).
  # entra:
  #   type: entra
  #   options:
  #     tenantId: 00000000-0000-0000-0000-000000000000
  #     clientId: env:ENTRA_CLIENT_ID
  #     clientSecret: env:ENTRA_CLIENT_SECRET
  #     usageLocation: DE               # required before a licence can be assigned
  #     groups: { "group:all-staff": All Staff }               # entitlement → group displayName (default: the same name)
  #     licences: { "licence:ENTERPRISEPACK": ENTERPRISEPACK }   # entitlement → SKU part number (else it is a group)
  #   identifiers:
  #     upn: [userPrincipalName]
  #     mail: [mail]
  #   attributes:
  #     userPrincipalName: "{{ id.upn }}"
  #     mailNickname: "{{ id.username }}"
  #     displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
  #     givenName: "{{ preferredName ?? firstName }}"
  #     surname: "{{ lastName }}"
  #     department: "{{ department }}"
  #     jobTitle: "{{ position }}"
  #     employeeId: "{{ personId }}"
  #     manager: "{{ ref(supervisorId) }}"
  #   managedEntitlements: ["group:*", "licence:*"]
  #   password: true
  #   leaver: { removeEntitlements: true }

  # A SaaS application over SCIM 2.0 (RFC 7643/7644): Users with the enterprise extension, Groups as entitlements.
  # What the service supports (PATCH, filter, ETags) is read from its /ServiceProviderConfig; without PATCH every
  # change is a PUT of the whole user. Attribute names are SCIM paths; the enterprise fields employeeNumber,
  # department, costCenter, organization, division and manager (the manager's SCIM id, via ref()) go into the
  # urn:ietf:params:scim:schemas:extension:enterprise:2.0:User extension.
  # scim:
  #   type: scim
  #   options:
  #     baseUrl: https://app.example.com/scim/v2   # the part before /Users
  #     auth: { type: bearer, token: env:SAAS_SCIM_TOKEN }   # or { type: basic, username: …, password: file:/run/secrets/saas }
  #     correlationAttribute: externalId           # holds the Personio id (default)
  #     groups: { app-users: App Users }           # entitlement → group displayName (default: the same name)
  #   identifiers:
  #     username: [userName]
  #   attributes:
  #     userName: "{{ id.username }}"
  #     displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
  #     name.givenName: "{{ preferredName ?? firstName }}"
  #     name.familyName: "{{ lastName }}"
  #     'emails[type eq "work"].value': "{{ id.mail }}"
  #     title: "{{ position }}"
  #     employeeNumber: "{{ personId }}"
  #     department: "{{ department }}"
  #     manager: "{{ ref(supervisorId) }}"
  #   managedEntitlements: [app-users]`;
