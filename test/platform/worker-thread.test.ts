import { expect } from 'chai';
import { runInWorker, workerEntry } from '../../src/platform/worker-thread.js';

describe('platform: one job in a worker thread', function () {
  // Each job starts a thread that loads its module through tsx.
  this.timeout(30_000);

  it('starts the built module as is, and the source through tsx', () => {
    expect(workerEntry('./job.js', 'file:///srv/app/dist/x/caller.js').href).to.equal('file:///srv/app/dist/x/job.js');
    const fromSource = workerEntry('./job.js', 'file:///srv/app/src/x/caller.ts');
    expect(fromSource.protocol).to.equal('data:');
    const boot = decodeURIComponent(fromSource.pathname);
    expect(boot).to.include('"/srv/app/src/x/job.ts"').and.to.include("'tsx/cjs/api'");
  });

  it('resolves with what the thread posted, typed arrays included', async () => {
    const answer = await runInWorker('./worker-thread-job.js', import.meta.url, 'answer') as { numbers: Float64Array; text: string };
    expect(answer.text).to.equal('安全账户');
    expect(answer.numbers).to.be.instanceOf(Float64Array);
    expect([...answer.numbers]).to.deep.equal([1.5, -0, 3]);
  });

  it('rejects with the error the thread threw', async () => {
    const err = await runInWorker('./worker-thread-job.js', import.meta.url, 'throw').then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.equal('the job failed');
  });

  it('rejects when the thread ends without an answer, or with a failing code', async () => {
    const silent = await runInWorker('./worker-thread-job.js', import.meta.url, 'silent').then(() => null, (e: unknown) => e);
    expect((silent as Error).message).to.match(/exited with code 0 without an answer/);
    const exited = await runInWorker('./worker-thread-job.js', import.meta.url, 'exit').then(() => null, (e: unknown) => e);
    expect((exited as Error).message).to.match(/exited with code 3$/);
  });
});
