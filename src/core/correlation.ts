/**
 * Correlation values: what Cadre stamps into a target's correlation attribute (e.g. `employeeID`) for a person,
 * and which person a stamped value names. A template such as `P-{{ personId }}` keeps Cadre's ids apart from
 * legacy values (payroll numbers) already held in the attribute. The value must never change for a person, so the
 * template may contain only the person id and fixed text: it is rendered and parsed without the HR record.
 */

/** The default template: the plain person id. */
export const DEFAULT_CORRELATION_TEMPLATE = '{{ personId }}';

const PLACEHOLDER = /\{\{\s*personId\s*\}\}/g;

/** Renders and parses the correlation values of one target. */
export interface CorrelationCodec {
  readonly template: string;
  /** The value stamped for a person. */
  render(personId: string): string;
  /** The person a value names, or undefined when it does not have the template's form (a foreign value). */
  parse(value: string): string | undefined;
}

/** Why a correlation template is unusable, or undefined when it is fine (for config validation). */
export function correlationTemplateProblem(template: string): string | undefined {
  const count = template.match(PLACEHOLDER)?.length ?? 0;
  if (count !== 1) return 'the correlation value must contain {{ personId }} exactly once';
  const rest = template.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'the correlation value may contain only {{ personId }} and fixed text: it must never change for a person';
  return undefined;
}

/**
 * Codec for a template (default: the plain id). Prefix and suffix are compared case-insensitively, as directories
 * compare `employeeID`. Throws for a template that {@link correlationTemplateProblem} rejects.
 */
export function correlationCodec(template: string = DEFAULT_CORRELATION_TEMPLATE): CorrelationCodec {
  const problem = correlationTemplateProblem(template);
  if (problem !== undefined) throw new Error(`correlation template "${template}": ${problem}`);
  const at = template.search(PLACEHOLDER);
  const prefix = template.slice(0, at);
  const suffix = template.slice(at).replace(PLACEHOLDER, '');
  const lp = prefix.toLowerCase();
  const ls = suffix.toLowerCase();
  return {
    template,
    render: (personId) => `${prefix}${personId}${suffix}`,
    parse(value) {
      if (value.length <= prefix.length + suffix.length) return undefined;
      const lv = value.toLowerCase();
      if (!lv.startsWith(lp) || !lv.endsWith(ls)) return undefined;
      return value.slice(prefix.length, value.length - suffix.length);
    },
  };
}
