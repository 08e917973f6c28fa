/**
 * What the joiner mail says about the first sign-in, from the joiner's typed `passwordDelivery` (the mail templates
 * read the same value). Never the credential itself: with `console`/`tap` it is shown once in the console.
 */
import type { CadreConfig } from '../../config/schema.js';
import type { PasswordDelivery } from '../../core/first-sign-in.js';

/** The sentence for the manager's joiner mail, or undefined when there is nothing to say (no credential, or mailed). */
export function deliveryLine(delivery: PasswordDelivery | undefined, config: Pick<CadreConfig, 'targets' | 'firstPassword'>): string | undefined {
  const days = config.firstPassword.showForDays;
  if (delivery === 'tap') {
    return `First sign-in: a Temporary Access Pass valid from the start date is shown once to the manager in the Cadre console (New hire credentials), until ${days} day(s) after the start date.`;
  }
  if (delivery === 'console' && Object.values(config.targets).some((t) => t.password)) {
    return `First sign-in: the initial password is shown once to the manager in the Cadre console (New hire credentials), until ${days} day(s) after the start date.`;
  }
  return undefined;
}
