/** Errors of the simulated data tier. */
import { DrbotError, NonRetryableError } from '../../../errors.js';

export class SimDataSeedError extends DrbotError {
  constructor(problem: string) {
    super(`The data section of the simulated world is invalid: ${problem}`, {
      code: 'SIM_DATA_INVALID',
      explanation: 'The sim builds its databases and buckets from the `data:` section of the world.',
      action: 'Fix the `data:` section of runbooks/sim/world.yaml (see the README, "The data tier").',
    });
  }
}

export class SimDbStateError extends NonRetryableError {
  constructor(message: string, explanation: string, action: string, code = 'DB_INVALID_STATE') {
    super(message, { code, explanation, action });
  }
}
