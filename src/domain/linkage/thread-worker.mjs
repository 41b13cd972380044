// A worker thread of linkThreaded (threads.ts): workers start without the parent's TypeScript
// loader, so register tsx here (as bin/lantern.mjs does), then run the worker's TypeScript.
import { register } from 'tsx/esm/api';

register();
const { serveWorker } = await import('./threads.ts');
serveWorker();
