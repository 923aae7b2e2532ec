#!/usr/bin/env node
// The drbot CLI runs the TypeScript sources directly through tsx, so a clean `npm ci` needs no build step.
import { register } from 'tsx/esm/api';

// The SDK warns on every start that Node 20 support ends; Lambda runs nodejs22.x, so the warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../bot/cli/main.ts');
