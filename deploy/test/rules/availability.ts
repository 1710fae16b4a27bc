// Scaling and disruption: an autoscaler for every service (CPU, plus a custom metric where load
// is not CPU-bound), a PodDisruptionBudget for every workload, and the overlays' replica counts.
import {
  type Manifest,
  podTemplate,
  ref,
  selects,
  serviceDeployments,
  workloads,
} from '../support/manifest.ts';
import type { Rule } from './rule.ts';

/** Services whose autoscaler must also follow a custom metric, and which metric. */
export const customMetricServices: Record<string, string> = {
  monitoring: 'monitoring_samples_per_second',
};

function autoscalerFor(objects: Manifest[], deployment: Manifest): Manifest | undefined {
  return objects.find(
    (object) =>
      object.kind === 'HorizontalPodAutoscaler' &&
      object.spec.scaleTargetRef?.kind === 'Deployment' &&
      object.spec.scaleTargetRef?.name === deployment.metadata.name,
  );
}

export const availabilityRules: Rule[] = [
  {
    id: 'hpa-cpu-and-custom-metric',
    requirement: 'autoscaling/v2 HPA on CPU for every service, plus its custom metric where one matters',
    mirrors:
      'kube-score horizontalpodautoscaler-has-target; kube-linter hpa-minimum-three-replicas (production)',
    check: ({ objects }) =>
      serviceDeployments(objects).flatMap((deployment) => {
        const hpa = autoscalerFor(objects, deployment);
        if (hpa === undefined) return [`${ref(deployment)}: no HorizontalPodAutoscaler targets it`];
        const problems: string[] = [];
        if (hpa.apiVersion !== 'autoscaling/v2') problems.push(`${ref(hpa)}: not autoscaling/v2`);
        const metrics: { type: string; resource?: { name: string }; pods?: { metric: { name: string } } }[] =
          hpa.spec.metrics ?? [];
        if (!metrics.some((metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu')) {
          problems.push(`${ref(hpa)}: does not scale on CPU`);
        }
        const custom = customMetricServices[deployment.metadata.name];
        if (custom !== undefined && !metrics.some((metric) => metric.pods?.metric.name === custom)) {
          problems.push(`${ref(hpa)}: does not scale on ${custom}`);
        }
        if (!(hpa.spec.minReplicas >= 1 && hpa.spec.minReplicas <= hpa.spec.maxReplicas)) {
          problems.push(
            `${ref(hpa)}: minReplicas ${hpa.spec.minReplicas} / maxReplicas ${hpa.spec.maxReplicas}`,
          );
        }
        if (deployment.spec.replicas !== undefined) {
          problems.push(`${ref(deployment)}: sets replicas although an HPA owns them`);
        }
        return problems;
      }),
  },
  {
    id: 'pod-disruption-budget',
    requirement: 'a PodDisruptionBudget selects every workload and still lets a node drain',
    mirrors: 'kube-score poddisruptionbudget; kube-linter pdb-max-unavailable, pdb-min-available',
    check: ({ objects }) =>
      workloads(objects).flatMap((workload) => {
        const labels = podTemplate(workload).metadata?.labels ?? {};
        const budget = objects.find(
          (object) =>
            object.kind === 'PodDisruptionBudget' && selects(object.spec.selector?.matchLabels, labels),
        );
        if (budget === undefined) return [`${ref(workload)}: no PodDisruptionBudget selects its pods`];
        const { maxUnavailable, minAvailable } = budget.spec;
        if (maxUnavailable !== undefined) {
          return maxUnavailable === 0 || maxUnavailable === '0%'
            ? [`${ref(budget)}: maxUnavailable 0 blocks drains`]
            : [];
        }
        const replicas = workload.spec.replicas ?? 1;
        return typeof minAvailable === 'number' && minAvailable < replicas
          ? []
          : [`${ref(budget)}: minAvailable ${minAvailable} leaves no room for a drain`];
      }),
  },
  {
    id: 'replicas-per-profile',
    requirement:
      'dev runs one replica of everything; production at least three of every service, NATS and PostgreSQL',
    mirrors: 'kube-linter hpa-minimum-three-replicas; Polaris deploymentMissingReplicas',
    check: ({ objects, profile }) => {
      if (profile === 'base') return [];
      const problems: string[] = [];
      for (const deployment of serviceDeployments(objects)) {
        const min = autoscalerFor(objects, deployment)?.spec.minReplicas;
        if (profile === 'dev' ? min !== 1 : !(min >= 3))
          problems.push(`${ref(deployment)}: minReplicas ${min}`);
      }
      for (const object of objects) {
        const count =
          object.kind === 'StatefulSet'
            ? object.spec.replicas
            : object.kind === 'Cluster'
              ? object.spec.instances
              : undefined;
        if (count === undefined || object.metadata.name === 'mosquitto') continue;
        if (profile === 'dev' ? count !== 1 : count < 3) problems.push(`${ref(object)}: ${count} replicas`);
      }
      return problems;
    },
  },
];
