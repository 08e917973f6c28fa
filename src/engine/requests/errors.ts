/** The coded error of catalogue requests. */
import { CadreError, EXIT } from '../errors.js';

/** Coded refusal (exit 2 from the CLI, 403/409 from the console). */
export class RequestError extends CadreError {
  constructor(code: string, message: string) { super(code, message, EXIT.usage); }
}
