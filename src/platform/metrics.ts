// Prometheus metrics through prom-client's public API, one registry per app instance (tests build
// several apps in one process). Labels are bounded: routes are matched patterns, never raw URLs.
import { Registry, Counter, Histogram, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  wechatMessages: Counter<'kind' | 'mode'>;
  handlerDuration: Histogram<'outcome'>;
  tipsSubmitted: Counter<'colour'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    wechatMessages: new Counter({ name: 'wechat_messages_total', help: 'WeChat messages by kind', labelNames: ['kind', 'mode'], registers }),
    handlerDuration: new Histogram({
      name: 'wechat_handler_duration_seconds', help: 'Time the bot took to answer', labelNames: ['outcome'], registers,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 4, 8],
    }),
    tipsSubmitted: new Counter({ name: 'tips_submitted_total', help: 'Tips committed', labelNames: ['colour'], registers }),
  };
}
