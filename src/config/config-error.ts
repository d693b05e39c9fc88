// A problem with flags, environment or config file. main.ts prints its message as one line
// and exits with ExitCode.CONFIG_ERROR; the message names the option and the fix.
import { CcrError } from '../errors/ccr-error.js';

export class ConfigError extends CcrError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CCR_C0001', message, { category: 'config', disposition: 'pause', details });
    this.name = 'ConfigError';
  }
}
