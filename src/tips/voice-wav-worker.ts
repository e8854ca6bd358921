// The worker thread of voice-wav.ts: decodes one AMR file (workerData) and posts the WAV's bytes
// (transferred to the main thread), or the reason it could not, and ends. (No top-level await: run from
// the sources the worker is compiled to CommonJS, see platform/worker-thread.ts.)
import { parentPort, workerData } from 'node:worker_threads';
import { amrToWav, VoiceDecodeError } from './voice-wav.js';

if (!parentPort) throw new Error('voice-wav-worker.ts runs in a worker thread (voice-wav.ts: amrToWavInWorker)');
const port = parentPort;
const data = workerData instanceof Uint8Array ? Buffer.from(workerData.buffer, workerData.byteOffset, workerData.length) : Buffer.alloc(0);
amrToWav(data).then(
  (wav) => {
    // Into an ArrayBuffer of its own: what is transferred is exactly the WAV's bytes.
    const bytes = new Uint8Array(wav);
    port.postMessage({ wav: bytes }, [bytes.buffer]);
  },
  (err: unknown) => {
    if (!(err instanceof VoiceDecodeError)) throw err;
    port.postMessage({ undecodable: err.message });
  },
);
