/** The commented helpdesk forms and protection section of `cadre init`'s example config (see example.ts). */
export const FORMS_EXAMPLE = `# ── Helpdesk forms of the web console (\`cadre serve\`) ─────────────────────────────────────────────────────
# Every submission is checked again on the server: the form's roles, its scope, the protection below and the
# attribute whitelist. Every action is audited (helpdesk.<type>, never a password). Uncomment with the AD target.
# protection:                                # accounts and groups no form may touch, whatever the form says
#   accounts:                                # the same matcher as targets.*.exclude
#     - { upn: "admin*@example.com", reason: admin accounts }
#     - { dn: "*,OU=Admins,DC=example,DC=com" }
#   memberOf: [Domain Admins, GG-Tier0]      # members of these groups are untouchable by forms
#   groups: [Domain Admins, Enterprise Admins]   # no form adds anyone to or removes anyone from these
# forms:
#   - id: reset-password
#     type: resetPassword                    # resetPassword | unlock | edit | disable | groups
#     title: { en: Reset password, de: Passwort zurücksetzen }
#     roles: [helpdesk, admin]               # console roles, and/or oidcGroups: [Helpdesk-Tier1]
#     targets: [ad]                          # default: every target that supports it
#     scope:                                 # which people: rule conditions on the HR record, and/or OUs
#       when: { department: { notIn: [IT] } }
#       containers: ["OU=Staff,DC=example,DC=com"]
#     password: { generate: true, allowTyped: true, mustChange: true }   # shown once, never stored or mailed
#   - { id: unlock, type: unlock, roles: [helpdesk, admin], targets: [ad] }
#   - id: edit-phone
#     type: edit
#     roles: [helpdesk, admin]
#     targets: [ad]
#     attributes: [telephoneNumber, mobile, physicalDeliveryOfficeName]   # nothing else is accepted
#     overrideDays: 90                       # an edit of a rule-mapped attribute is kept (an override) for 90 days
#   - { id: lost-laptop, type: disable, roles: [helpdesk], maxDays: 30 }   # temporary disable: a hold, kept by syncs
#   - id: groups
#     type: groups
#     roles: [admin]
#     targets: [ad]
#     groups: ["CN=GG-All-Staff,OU=Groups,DC=example,DC=com"]   # managed groups the form may add and remove
`;
