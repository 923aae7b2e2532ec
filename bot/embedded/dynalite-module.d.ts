/** The slice of dynalite's (untyped, CommonJS) API that drbot uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    /** How long tables stay CREATING. @default 500 */
    createTableMs?: number;
    /** How long tables stay DELETING. @default 500 */
    deleteTableMs?: number;
    /** How long tables stay UPDATING. @default 500 */
    updateTableMs?: number;
    /** @default 400 */
    maxItemSizeKb?: number;
    verbose?: boolean;
    debug?: boolean;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
