// The job of worker-thread.test.ts, started by runInWorker: what it does is in workerData.
import { parentPort, workerData } from 'node:worker_threads';

const job = workerData as 'answer' | 'throw' | 'silent' | 'exit';
if (job === 'answer') {
  const numbers = Float64Array.from([1.5, -0, 3]);
  parentPort?.postMessage({ numbers, text: '安全账户' }, [numbers.buffer]);
} else if (job === 'throw') {
  throw new Error('the job failed');
} else if (job === 'exit') {
  parentPort?.postMessage('half an answer');
  process.exit(3);
}
