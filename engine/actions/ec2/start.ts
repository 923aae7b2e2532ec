/** ec2.start: see lifecycle.ts, which stop, start and terminate share. */
import { lifecycleAction } from './lifecycle.js';

export default lifecycleAction('start');
