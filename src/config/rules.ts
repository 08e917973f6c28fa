/**
 * Bridge to the core rule validation (templates, conditions, identifier patterns, grants), so config
 * loading reports rule errors with line numbers alongside schema errors.
 */
export { validateRules as coreValidateRules } from '../core/rules/validate.js';
