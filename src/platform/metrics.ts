import { Registry, Counter, collectDefaultMetrics } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';

export interface Metrics {
  registry: Registry;
  /** Per request and per message: the hot-path implementations (hot-metrics.ts). */
  httpRequests: HotCounter<'method' | 'route' | 'status'>;
  httpDuration: HotHistogram<'method' | 'route'>;
  wechatMessages: HotCounter<'kind' | 'mode'>;
  handlerDuration: HotHistogram<'outcome'>;
  tipsSubmitted: Counter<'colour'>;
}

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new HotCounter('http_requests_total', 'HTTP requests', ['method', 'route', 'status'], registry),
    httpDuration: new HotHistogram('http_request_duration_seconds', 'HTTP request latency', ['method', 'route'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registry),
    wechatMessages: new HotCounter('wechat_messages_total', 'WeChat messages by kind', ['kind', 'mode'], registry),
    handlerDuration: new HotHistogram('wechat_handler_duration_seconds', 'Time the bot took to answer', ['outcome'],
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 4, 8], registry),
    tipsSubmitted: new Counter({ name: 'tips_submitted_total', help: 'Tips committed', labelNames: ['colour'], registers: [registry] }),
  };
}
