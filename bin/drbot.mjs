#!/usr/bin/env node
// The drbot CLI runs the TypeScript sources directly through tsx, so a clean `npm ci` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../bot/cli/main.ts');
