import { describe, expect, it } from 'vitest';
import { Metrics, OutcomeCounter } from '../../bot/metrics.ts';
import { makeRequest } from '../support/fixtures.ts';

describe('metrics', () => {
  it('counts Graph responses, errors, outcomes and reads the queue depth on scrape', async () => {
    const m = new Metrics();
    m.graphResponse(200);
    m.graphResponse(429);
    m.graphResponse(429);
    await new OutcomeCounter(m).requestChanged(makeRequest(), 'denied');
    let depth = 7;
    m.queueDepth(async () => depth);
    const text = await m.registry.metrics();
    expect(text).toContain('elevate_graph_calls_total{status="200"} 1');
    expect(text).toContain('elevate_graph_errors_total{status="429"} 2');
    expect(text).not.toContain('elevate_graph_errors_total{status="200"}');
    expect(text).toContain('elevate_requests_total{outcome="denied"} 1');
    expect(text).toContain('elevate_queue_depth 7');
    depth = 3;
    expect(await m.registry.metrics()).toContain('elevate_queue_depth 3');
  });
});
