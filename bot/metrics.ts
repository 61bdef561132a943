/**
 * Prometheus metrics, one registry per running bot: HTTP requests and their latency (the
 * Slack ack is the latency of POST /slack/events), request outcomes, Graph calls and errors,
 * the depth of the job queues, the build, and prom-client's process and Node metrics.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SecurityAlert } from './core/domain/alert.ts';
import type { AccessRequest } from './core/domain/request.ts';
import type { Review, ReviewChange } from './core/domain/review.ts';
import type { Notifier, RequestChange } from './core/ports/notifier.ts';
import { VERSION } from './settings-help.ts';

export class Metrics {
  readonly registry = new Registry();
  readonly http = new Counter({
    name: 'elevate_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'elevate_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (for /slack/events: the ack)',
    labelNames: ['route'],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly outcomes = new Counter({
    name: 'elevate_requests_total',
    help: 'Access request changes by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly graph = new Counter({
    name: 'elevate_graph_calls_total',
    help: 'Microsoft Graph calls by HTTP status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: 'elevate_security_alerts_total',
    help: 'Findings posted to the security channel, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly integrityRefusals = new Counter({
    name: 'elevate_integrity_refusals_total',
    help: 'Records, cache entries, jobs and audit entries refused because their seal did not check',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly graphErrors = new Counter({
    name: 'elevate_graph_errors_total',
    help: 'Microsoft Graph calls answered 4xx/5xx',
    labelNames: ['status'],
    registers: [this.registry],
  });

  constructor() {
    // The process and Node runtime (CPU, memory, event-loop lag, GC, handles), prefixed as
    // prom-client names them (process_*, nodejs_*), beside elevate's own.
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'elevate_build_info',
      help: 'Always 1; the labels say which elevate and which Node run',
      labelNames: ['version', 'node'],
      registers: [this.registry],
    }).set({ version: VERSION, node: process.versions.node }, 1);
  }

  /** Queue depth is read when Prometheus scrapes. */
  queueDepth(read: () => Promise<number>): void {
    new Gauge({
      name: 'elevate_queue_depth',
      help: 'Jobs waiting, delayed or running',
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  graphResponse(status: number): void {
    this.graph.inc({ status: String(status) });
    if (status >= 400) this.graphErrors.inc({ status: String(status) });
  }
}

/** Counts every request change as an outcome; sits beside the chat notifiers. */
export class OutcomeCounter implements Notifier {
  readonly #metrics: Metrics;
  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }
  async requestChanged(_request: AccessRequest, change: RequestChange): Promise<void> {
    this.#metrics.outcomes.inc({ outcome: change });
  }

  async securityAlert(alert: SecurityAlert): Promise<void> {
    this.#metrics.alerts.inc({ kind: alert.kind });
  }

  async reviewChanged(_review: Review, change: ReviewChange): Promise<void> {
    this.#metrics.outcomes.inc({ outcome: `review_${change}` });
  }
}
