/** The commented access reviews section of `cadre init`'s example config (see example.ts). */
export const REVIEWS_EXAMPLE = `# ── Access reviews (\`cadre review start|list|report|close|exceptions|lift\`, the console's Reviews page) ──────
# A campaign lists who holds what and why (rule, request, or found in the target unmanaged); reviewers keep or
# remove each item with a comment. Removals go through the plan at close (ordinary revokes, thresholds apply) and
# stay removed although a rule grants them (an exception per person, shown by explain, until an admin lifts it).
# reviews:
#   templates:
#     - id: sales-quarterly
#       name: { en: Sales access, de: Vertriebszugriffe }
#       scope:                               # every given field narrows
#         entitlements: ["CN=GG-Sales*", "CN=VPN Users,*"]   # globs; AD groups by DN here (unmanaged ones always are)
#         targets: [ad]
#         departments: [Sales]
#       reviewers: { by: manager, fallback: it-admin }   # the person's manager; else this console user
#       deadline: 14d
#       default: keep                        # undecided items are kept at the deadline (or: remove)
#       schedule: "0 8 1 */3 *"              # optional: the daemon starts one every quarter
#   ruleOwners:                          # told (mail) and shown in the console when a review removes what their rule grants
#     all-staff: it-service@example.com
#     finance: { owner: "group:Finance-IT", mail: finance-it@example.com }   # owner: console user, person id or group:
#   # \`cadre validate\` checks each scope: unknown targets and entitlements are errors; --live also checks departments
`;
