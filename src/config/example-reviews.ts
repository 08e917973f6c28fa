/** The commented access reviews section of `cadre init`'s example config (see example.ts). */
export const REVIEWS_EXAMPLE = `# ── Access reviews (\`cadre review start|list|report|close\`, the console's Reviews page) ──────────────────────
# A campaign lists who holds what and why (rule, request, or found in the target unmanaged); reviewers keep or
# remove each item with a comment. Removals go through the plan at close (ordinary revokes, thresholds apply) and
# stay removed although a rule grants them (an exception per person, shown by explain).
# reviews:
#   templates:
#     - id: sales-quarterly
#       name: { en: Sales access, de: Vertriebszugriffe }
#       scope:                               # every given field narrows
#         entitlements: ["GG-Sales*", "CN=VPN Users,*"]   # globs; unmanaged AD groups are named by DN
#         targets: [ad]
#         departments: [Sales]
#       reviewers: { by: manager, fallback: it-admin }   # the person's manager; else this console user
#       deadline: 14d
#       default: keep                        # undecided items are kept at the deadline (or: remove)
#       schedule: "0 8 1 */3 *"              # optional: the daemon starts one every quarter
#   ruleOwners: { sales: sales-it@example.com }   # told when a review removes what their rule grants
`;
