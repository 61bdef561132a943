/**
 * The Helm chart: values.yaml against values.schema.json (what `helm install` checks), and
 * every object the templates render validated against the Kubernetes API schemas
 * (kubernetes-models, generated from the Kubernetes OpenAPI spec; ServiceMonitor from the
 * prometheus-operator CRD), rendered by helm-render.ts for the default values and for Azure
 * workload identity.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../bot/config.ts';
import { merge, renderChart, renderTemplate } from './helm-render.ts';

const CHART = fileURLToPath(new URL('../../deploy/helm/elevate', import.meta.url));
const read = (name: string) => readFileSync(`${CHART}/${name}`, 'utf8');
const defaults = parse(read('values.yaml')) as Record<string, unknown>;
const validValues = new Ajv({ allErrors: true }).compile(JSON.parse(read('values.schema.json')));

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string } } & Record<
  string,
  unknown
>;

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'v1 ConfigMap': ConfigMap,
  'v1 Service': Service,
  'v1 ServiceAccount': ServiceAccount,
  'monitoring.coreos.com/v1 ServiceMonitor': ServiceMonitor,
};

function objects(values: Record<string, unknown> = {}): K8sObject[] {
  return [...renderChart(CHART, values).entries()]
    .flatMap(([file, text]) =>
      parseAllDocuments(text).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
        return doc.toJS() as K8sObject;
      }),
    )
    .filter((o) => o !== null);
}

function validateAll(list: readonly K8sObject[]): void {
  for (const object of list) {
    const Model = MODELS[`${object.apiVersion} ${object.kind}`];
    if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
    expect(
      () => new Model(object as never).validate(),
      `${object.kind} ${object.metadata.name}`,
    ).not.toThrow();
  }
}

const deployment = (list: readonly K8sObject[], name: string) => {
  const found = list.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (!found) throw new Error(`no Deployment ${name}`);
  return new Deployment(found as never);
};

describe('values.schema.json', () => {
  it('accepts values.yaml', () => {
    expect(validValues(defaults), JSON.stringify(validValues.errors)).toBe(true);
  });

  it.each([
    ['an unknown key', { replicas: 3 }],
    [
      'a Redis Cluster without a hash-tag prefix',
      { redis: { clusterNodes: 'r-0:7000', prefix: 'elevate' } },
    ],
    [
      'workload identity without its client id',
      { credentials: { workloadIdentity: { enabled: true } } },
    ],
    ['zero web replicas', { web: { replicas: 0 } }],
    [
      'a memory limit that is no quantity',
      { worker: { resources: { limits: { memory: 'lots' } } } },
    ],
  ])('refuses %s', (_what, over) => {
    expect(validValues(merge(defaults, over))).toBe(false);
  });
});

describe('the rendered Kubernetes objects', () => {
  it('validate against the Kubernetes API schemas, with a secret and with workload identity', () => {
    const plain = objects();
    expect(plain.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/elevate-policy',
      'Deployment/elevate-web',
      'Deployment/elevate-worker',
      'PodDisruptionBudget/elevate-web',
      'PodDisruptionBudget/elevate-worker',
      'Service/elevate',
      'Service/elevate-worker',
      'ServiceAccount/elevate',
      'ServiceMonitor/elevate',
    ]);
    validateAll(plain);
    // The schemas are not a formality: a wrong type or a missing required field fails them.
    const web = plain.find((o) => o.metadata.name === 'elevate-web') as K8sObject & {
      spec: Record<string, unknown>;
    };
    expect(() =>
      new Deployment({ ...web, spec: { ...web.spec, replicas: 'two' } } as never).validate(),
    ).toThrow();
    expect(() =>
      new Deployment({ ...web, spec: { ...web.spec, selector: undefined } } as never).validate(),
    ).toThrow();
    const identity = objects({
      credentials: {
        workloadIdentity: {
          enabled: true,
          clientId: '11111111-2222-3333-4444-555555555555',
          tenantId: '66666666-7777-8888-9999-000000000000',
        },
      },
    });
    validateAll(identity);
    const account = identity.find((o) => o.kind === 'ServiceAccount') as K8sObject & {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(account.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(account.metadata.annotations['azure.workload.identity/client-id']).toBe(
      '11111111-2222-3333-4444-555555555555',
    );
    const pod = deployment(identity, 'elevate-worker').spec?.template.metadata?.labels ?? {};
    expect(pod['azure.workload.identity/use']).toBe('true');
  });

  it('run web and worker from ELEVATE_PROCESS, probed on /healthz and /readyz, read-only, bounded', () => {
    const list = objects();
    for (const process of ['web', 'worker']) {
      const spec = deployment(list, `elevate-${process}`).spec;
      const container = spec?.template.spec?.containers[0];
      const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
      expect(env.ELEVATE_PROCESS).toBe(process);
      expect(env.REDIS_PREFIX).toBe('{elevate}');
      expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(container?.resources?.limits?.memory).toBe('512Mi');
      expect(container?.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(spec?.template.spec?.securityContext?.runAsNonRoot).toBe(true);
      // The environment the chart sets is one the bot accepts.
      expect(() => loadConfig(env as Record<string, string>)).not.toThrow();
    }
    const budgets = list.filter((o) => o.kind === 'PodDisruptionBudget');
    expect(
      budgets.map((b) => new PodDisruptionBudget(b as never).spec?.selector?.matchLabels),
    ).toEqual([
      expect.objectContaining({ 'app.kubernetes.io/component': 'web' }),
      expect.objectContaining({ 'app.kubernetes.io/component': 'worker' }),
    ]);
    const configMap = list.find((o) => o.kind === 'ConfigMap') as K8sObject & {
      data: Record<string, string>;
    };
    expect(configMap.data['policy.yaml']).toBe(defaults.policy);
  });

  it('leave out the ServiceMonitor when it is disabled', () => {
    expect(
      objects({ serviceMonitor: { enabled: false } }).some((o) => o.kind === 'ServiceMonitor'),
    ).toBe(false);
  });
});

describe('the template renderer', () => {
  const ctx = {
    Values: { a: { b: 'x' }, on: false },
    Release: { Name: 'r', Namespace: 'n' },
    Chart: {},
  };
  it('refuses what it does not implement instead of rendering it wrongly', () => {
    expect(() => renderTemplate('{{ include "x" . }}', ctx, 't')).toThrow(/unsupported/);
    expect(() => renderTemplate('{{ .Values.a }}', ctx, 't')).toThrow(/toJson/);
    expect(() => renderTemplate('{{ .Values.missing }}', ctx, 't')).toThrow(/not set/);
    expect(() => renderTemplate('{{ if .Values.on }}', ctx, 't')).toThrow(/without end/);
  });
  it('trims, substitutes and leaves out false branches', () => {
    expect(
      renderTemplate(
        'a: {{ .Values.a.b }}\n{{- if .Values.on }}\nb: 1\n{{- end }}\nc: {{ toJson .Release.Name }}',
        ctx,
        't',
      ),
    ).toBe('a: x\nc: "r"');
  });
});
