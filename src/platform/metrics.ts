import { Registry, Counter, Histogram, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  wechatMessages: Counter<'kind' | 'mode'>;
  handlerDuration: Histogram<'outcome'>;
  tipsSubmitted: Counter<'colour'>;
}

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    }),
    wechatMessages: new Counter({ name: 'wechat_messages_total', help: 'WeChat messages by kind', labelNames: ['kind', 'mode'], registers: [registry] }),
    handlerDuration: new Histogram({
      name: 'wechat_handler_duration_seconds', help: 'Time the bot took to answer', labelNames: ['outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 4, 8], registers: [registry],
    }),
    tipsSubmitted: new Counter({ name: 'tips_submitted_total', help: 'Tips committed', labelNames: ['colour'], registers: [registry] }),
  };
}
