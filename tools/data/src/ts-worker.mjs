// Worker-thread bootstrap: Node 20 workers do not inherit tsx's loader, so register it here and
// then run the TypeScript module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
