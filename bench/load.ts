/**
 * The load process: signed Slack slash commands (`/elevate help` unless told) sent to one URL
 * from outside the server under test, bounded in count and in time, each with its own
 * response_url as Slack gives. Run as `node bench/load.ts '<LoadPlan as JSON>'`; prints one JSON line: latency
 * percentiles (ms), requests per second, non-200 answers.
 */
import { readFileSync } from 'node:fs';
import { signedHeaders, slashCommandBody } from '../test/standins/slack/inbound.ts';

export interface LoadPlan {
  readonly url: string;
  readonly secret: string;
  readonly requests: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly userId: string;
  readonly teamId: string;
  /** The command's text; `help` by default. */
  readonly text?: string;
  /**
   * A second server (the baseline) sent the same requests in turn with `url`, one after the
   * other, so that both meet the same moments of the machine; its latencies come as `pair`.
   */
  readonly pairUrl?: string;
  /** A file of response URLs, one a line; a request takes the next one, so none is reused. */
  readonly responseUrls: string;
}

export interface Latencies {
  readonly p50: number;
  readonly p99: number;
}

export interface LoadResult extends Latencies {
  readonly requests: number;
  /** Non-200 answers; with `pairUrl`, the baseline's count too. */
  readonly failed: number;
  readonly rps: number;
  /** With `pairUrl`: the baseline's latencies, taken in turn with these (`rps` then counts both). */
  readonly pair?: Latencies;
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function run(): Promise<LoadResult> {
  const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
  const responseUrls = readFileSync(plan.responseUrls, 'utf8').split('\n').filter(Boolean);
  const total = Math.min(plan.requests, responseUrls.length);
  const until = performance.now() + plan.seconds * 1000;
  const times: number[] = [];
  const pairTimes: number[] = [];
  let next = 0;
  let failed = 0;
  const salt = `${process.pid}.${Date.now()}`;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (next < total && performance.now() < until) {
        const i = next++;
        const body = slashCommandBody({
          text: plan.text ?? 'help',
          userId: plan.userId,
          channelId: 'C0BENCH',
          responseUrl: responseUrls[i] ?? '',
          triggerId: `t.${salt}.${i}`,
          teamId: plan.teamId,
        });
        const send = async (url: string) => {
          const sent = performance.now();
          const headers = signedHeaders(plan.secret, body);
          const res = await fetch(url, { method: 'POST', headers, body });
          await res.arrayBuffer();
          return { ms: performance.now() - sent, status: res.status };
        };
        const pair = async (url: string) => {
          const sent = await send(url);
          pairTimes.push(sent.ms);
          if (sent.status !== 200) failed += 1;
        };
        // Which goes first alternates, so neither always follows the other's work.
        const { pairUrl } = plan;
        const pairFirst = i % 2 === 1;
        if (pairUrl && pairFirst) await pair(pairUrl);
        const sent = await send(plan.url);
        times.push(sent.ms);
        if (sent.status !== 200) failed += 1;
        if (pairUrl && !pairFirst) await pair(pairUrl);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  pairTimes.sort((a, b) => a - b);
  return {
    requests: times.length,
    failed,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    rps: times.length / elapsed,
    ...(plan.pairUrl
      ? { pair: { p50: percentile(pairTimes, 0.5), p99: percentile(pairTimes, 0.99) } }
      : {}),
  };
}

if (import.meta.main) console.log(JSON.stringify(await run()));
