import { openLocalStore } from '../bot/embedded/local-store.js';
const l = await openLocalStore({ dataDir: '/tmp/dx/local-' + process.pid });
await l.store.putDoc('a', 'b', { ok: true });
console.log(l.endpoint, await l.store.getDoc('a', 'b'));
await l.close();
