/** ec2.terminate: see lifecycle.ts, which stop, start and terminate share. */
import { lifecycleAction } from './lifecycle.js';

export default lifecycleAction('terminate');
