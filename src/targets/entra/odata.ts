/** OData helpers of the Graph client (the simulator parses what these build). */

/** Escape a value for an OData string literal (single quotes doubled). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
