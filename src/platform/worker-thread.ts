// One job in a worker thread: start a module of ours in a `node:worker_threads` Worker, take the
// one message it posts, and settle once the thread has ended, so that everything the job
// allocated went with the thread's heap before the caller goes on.
//
// The module is named as the build names it (`./train-worker.js`). Run from the sources (tsx,
// the caller's URL ends in .ts) the .ts file is started instead, through a `data:` module that
// loads it with tsx's documented `require` of `tsx/cjs/api` (TypeScript and ESM syntax compiled
// to CommonJS, as mocha loads the sources): on Node 20 the `--import tsx` a worker inherits
// registers nothing in a worker thread, and the ESM `register` of `tsx/esm/api` is only
// reachable by a bare specifier, which a `data:` module cannot resolve.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Where the worker's module is, and how to start it: from the build as is, from the sources through tsx. */
export function workerEntry(specifier: string, parentUrl: string): URL {
  if (!parentUrl.endsWith('.ts')) return new URL(specifier, parentUrl);
  const source = fileURLToPath(new URL(specifier.replace(/\.js$/, '.ts'), parentUrl));
  const boot = [
    "import { createRequire } from 'node:module';",
    `createRequire(${JSON.stringify(source)})('tsx/cjs/api').require(${JSON.stringify(source)}, ${JSON.stringify(source)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/**
 * Runs `specifier` (relative to `parentUrl`, the caller's `import.meta.url`) in a worker thread
 * with `workerData`, and resolves with the first message it posted once the thread has exited
 * with code 0. Rejects with the thread's uncaught error, or when it exits without a message.
 */
export function runInWorker(specifier: string, parentUrl: string, workerData?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry(specifier, parentUrl), { workerData });
    let answered = false;
    let answer: unknown;
    let failure: Error | undefined;
    worker.once('message', (message: unknown) => {
      answered = true;
      answer = message;
    });
    worker.once('error', (err) => {
      failure = err;
    });
    worker.once('exit', (code) => {
      if (failure !== undefined) reject(failure);
      else if (!answered || code !== 0) reject(new Error(`worker ${specifier} exited with code ${code}${answered ? '' : ' without an answer'}`));
      else resolve(answer);
    });
  });
}
