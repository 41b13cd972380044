// The worker thread of linkOffThread (link-thread.ts): workers start without the parent's
// TypeScript loader, so register tsx here (as bin/lantern.mjs does), then run its TypeScript.
import { register } from 'tsx/esm/api';

register();
const { serveLinkThread } = await import('./link-thread.ts');
serveLinkThread();
