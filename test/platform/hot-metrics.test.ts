import { expect } from 'chai';
import { Counter, Histogram, Registry } from 'prom-client';
import { HotCounter, HotHistogram } from '../../src/platform/hot-metrics.js';

describe('hot-path metrics', () => {
  it('expose exactly what prom-client would for the same counts and observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const buckets = [0.001, 0.005, 0.01, 0.5, 2];
    const c1 = new HotCounter('req_total', 'Requests', ['method', 'route'], ours);
    const c2 = new Counter({ name: 'req_total', help: 'Requests', labelNames: ['method', 'route'], registers: [theirs] });
    const h1 = new HotHistogram('lat_seconds', 'Latency', ['route'], buckets, ours);
    const h2 = new Histogram({ name: 'lat_seconds', help: 'Latency', labelNames: ['route'], buckets, registers: [theirs] });
    const routes = ['/wechat', '/a"b\\c\nd', '/api/staff/tips'];
    for (let i = 0; i < 200; i += 1) {
      const route = routes[i % routes.length]!;
      const method = i % 7 === 0 ? 'GET' : 'POST';
      c1.labels({ method, route }).inc();
      c2.inc({ method, route });
      const v = ((i * 37) % 400) / 100; // 0 … 3.99 s: some above the last bound
      h1.labels({ route }).observe(v);
      h2.observe({ route }, v);
    }
    c1.inc({ method: 'PUT', route: '/x' }, 5);
    c2.inc({ method: 'PUT', route: '/x' }, 5);
    expect(await ours.metrics()).to.equal(await theirs.metrics());
  });

  it('ignores a value that is not a finite number instead of corrupting the sum', async () => {
    const r = new Registry();
    const h = new HotHistogram('x_seconds', 'X', ['k'], [1], r);
    h.observe({ k: 'a' }, Number.NaN);
    h.observe({ k: 'a' }, 0.5);
    expect(await r.metrics()).to.contain('x_seconds_sum{k="a"} 0.5').and.contain('x_seconds_count{k="a"} 1');
  });

  it('refuses a missing label', () => {
    const h = new HotCounter('y_total', 'Y', ['a', 'b'], new Registry());
    expect(() => h.labels({ a: '1' } as unknown as Record<'a' | 'b', string>)).to.throw(/label b/);
  });
});
