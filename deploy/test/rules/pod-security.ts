// Pod Security Standards "restricted" (v1.32), checked on every pod template, plus the
// namespace label that makes the API server enforce it and the image's user and filesystem.
import {
  type Container,
  containers,
  type Manifest,
  podTemplate,
  ref,
  workloads,
} from '../support/manifest.ts';
import type { Rule } from './rule.ts';

const allowedVolumeSources = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** The sysctls Pod Security baseline allows. */
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

function seLinuxAndAppArmor(context: {
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  appArmorProfile?: { type?: string };
}): string[] {
  const problems: string[] = [];
  const selinux = context.seLinuxOptions;
  if (selinux?.user !== undefined || selinux?.role !== undefined)
    problems.push('sets a SELinux user or role');
  if (
    selinux?.type !== undefined &&
    !['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(selinux.type)
  ) {
    problems.push(`SELinux type ${selinux.type}`);
  }
  const apparmor = context.appArmorProfile?.type;
  if (apparmor !== undefined && apparmor !== 'RuntimeDefault' && apparmor !== 'Localhost')
    problems.push(`AppArmor ${apparmor}`);
  return problems;
}

function eachContainer(
  objects: Manifest[],
  check: (workload: Manifest, container: Container) => string | undefined,
) {
  return workloads(objects).flatMap((workload) =>
    containers(workload).flatMap((container) => {
      const problem = check(workload, container);
      return problem === undefined ? [] : [`${ref(workload)} container ${container.name}: ${problem}`];
    }),
  );
}

export const podSecurityRules: Rule[] = [
  {
    id: 'namespace-pod-security-restricted',
    requirement: 'the namespace is labelled for Pod Security "restricted"',
    mirrors: 'Pod Security Admission labels',
    check: ({ objects, namespace }) => {
      const ns = objects.find((object) => object.kind === 'Namespace' && object.metadata.name === namespace);
      if (ns === undefined) return [`Namespace/${namespace} is not in the manifests`];
      const labels = ns.metadata.labels ?? {};
      return ['enforce', 'audit', 'warn']
        .filter((mode) => labels[`pod-security.kubernetes.io/${mode}`] !== 'restricted')
        .map((mode) => `Namespace/${namespace}: pod-security.kubernetes.io/${mode} is not "restricted"`);
    },
  },
  {
    id: 'pss-host-namespaces',
    requirement: 'no host network, PID or IPC namespace, no host ports',
    mirrors: 'PSS baseline: host namespaces, host ports; kube-linter host-network/host-pid/host-ipc',
    check: ({ objects }) => [
      ...workloads(objects)
        .filter((workload) =>
          ['hostNetwork', 'hostPID', 'hostIPC'].some((key) => podTemplate(workload).spec[key]),
        )
        .map((workload) => `${ref(workload)}: uses a host namespace`),
      ...eachContainer(objects, (_, container) =>
        (container.ports ?? []).some((port: { hostPort?: number }) => port.hostPort)
          ? 'sets a hostPort'
          : undefined,
      ),
    ],
  },
  {
    id: 'pss-privileged',
    requirement: 'no privileged container',
    mirrors:
      'PSS baseline: privileged containers; kube-linter privileged-container; Polaris privilegeEscalationAllowed',
    check: ({ objects }) =>
      eachContainer(objects, (_, container) =>
        container.securityContext?.privileged ? 'is privileged' : undefined,
      ),
  },
  {
    id: 'pss-baseline-kernel',
    requirement:
      'default /proc mount, only safe sysctls, no custom SELinux user/role, AppArmor only RuntimeDefault or Localhost',
    mirrors: 'PSS baseline: /proc mount type, sysctls, SELinux, AppArmor',
    check: ({ objects }) => [
      ...workloads(objects).flatMap((workload) => {
        const context = podTemplate(workload).spec.securityContext ?? {};
        return [
          ...(context.sysctls ?? [])
            .filter((sysctl: { name: string }) => !safeSysctls.has(sysctl.name))
            .map((sysctl: { name: string }) => `${ref(workload)}: unsafe sysctl ${sysctl.name}`),
          ...seLinuxAndAppArmor(context).map((problem) => `${ref(workload)}: ${problem}`),
        ];
      }),
      ...eachContainer(objects, (_, container) => {
        const context = container.securityContext ?? {};
        if (context.procMount !== undefined && context.procMount !== 'Default')
          return `procMount ${context.procMount}`;
        return seLinuxAndAppArmor(context)[0];
      }),
    ],
  },
  {
    id: 'pss-volume-types',
    requirement: 'only the volume types "restricted" allows (no hostPath)',
    mirrors: 'PSS restricted: volume types',
    check: ({ objects }) =>
      workloads(objects).flatMap((workload) =>
        (podTemplate(workload).spec.volumes ?? []).flatMap((volume: Record<string, unknown>) => {
          const source = Object.keys(volume).find((key) => key !== 'name');
          return source !== undefined && allowedVolumeSources.has(source)
            ? []
            : [`${ref(workload)} volume ${volume.name}: type ${source} is not allowed`];
        }),
      ),
  },
  {
    id: 'pss-privilege-escalation',
    requirement: 'allowPrivilegeEscalation is false in every container',
    mirrors:
      'PSS restricted: privilege escalation; kube-score container-security-context-privilege-escalation',
    check: ({ objects }) =>
      eachContainer(objects, (_, container) =>
        container.securityContext?.allowPrivilegeEscalation === false
          ? undefined
          : 'allowPrivilegeEscalation is not false',
      ),
  },
  {
    id: 'pss-run-as-non-root',
    requirement: 'every container runs as non-root',
    mirrors: 'PSS restricted: running as non-root / non-root user; kube-linter run-as-non-root',
    check: ({ objects }) =>
      eachContainer(objects, (workload, container) => {
        const pod = podTemplate(workload).spec.securityContext ?? {};
        const nonRoot = container.securityContext?.runAsNonRoot ?? pod.runAsNonRoot;
        const user = container.securityContext?.runAsUser ?? pod.runAsUser;
        if (nonRoot !== true) return 'runAsNonRoot is not true';
        if (user === 0) return 'runAsUser is 0';
        return undefined;
      }),
  },
  {
    id: 'pss-capabilities',
    requirement: 'every container drops ALL capabilities and adds none but NET_BIND_SERVICE',
    mirrors:
      'PSS restricted: capabilities; kube-score container-security-context; Polaris dangerousCapabilities',
    check: ({ objects }) =>
      eachContainer(objects, (_, container) => {
        const capabilities = container.securityContext?.capabilities ?? {};
        if (!(capabilities.drop ?? []).includes('ALL')) return 'does not drop ALL capabilities';
        const added = (capabilities.add ?? []).filter((name: string) => name !== 'NET_BIND_SERVICE');
        return added.length > 0 ? `adds ${added.join(', ')}` : undefined;
      }),
  },
  {
    id: 'pss-seccomp',
    requirement: 'seccomp profile RuntimeDefault (or Localhost) for every container',
    mirrors: 'PSS restricted: seccomp; kube-score pod-seccomp',
    check: ({ objects }) =>
      eachContainer(objects, (workload, container) => {
        const type =
          container.securityContext?.seccompProfile?.type ??
          podTemplate(workload).spec.securityContext?.seccompProfile?.type;
        return type === 'RuntimeDefault' || type === 'Localhost'
          ? undefined
          : `seccomp profile is ${type ?? 'unset'}`;
      }),
  },
  {
    id: 'user-group-id-at-least-10000',
    requirement: 'the image runs as a numeric UID and GID of at least 10000',
    mirrors: 'kube-score container-security-context-user-group-id',
    check: ({ objects }) =>
      eachContainer(objects, (workload, container) => {
        const pod = podTemplate(workload).spec.securityContext ?? {};
        const user = container.securityContext?.runAsUser ?? pod.runAsUser;
        const group = container.securityContext?.runAsGroup ?? pod.runAsGroup;
        return typeof user === 'number' && user >= 10000 && typeof group === 'number' && group >= 10000
          ? undefined
          : `runAsUser ${user} / runAsGroup ${group} is not ≥ 10000`;
      }),
  },
  {
    id: 'read-only-root-filesystem',
    requirement: 'read-only root filesystem; HealthLane services get a size-limited emptyDir on /tmp',
    mirrors: 'kube-score container-security-context-readonlyrootfilesystem; kube-linter no-read-only-root-fs',
    check: ({ objects }) =>
      eachContainer(objects, (workload, container) => {
        if (container.securityContext?.readOnlyRootFilesystem !== true) return 'root filesystem is writable';
        if (workload.metadata.labels?.['app.kubernetes.io/component'] !== 'service') return undefined;
        const mount = (container.volumeMounts ?? []).find(
          (m: { mountPath: string }) => m.mountPath === '/tmp',
        );
        const volume = (podTemplate(workload).spec.volumes ?? []).find(
          (v: { name: string }) => v.name === mount?.name,
        );
        return volume?.emptyDir?.sizeLimit ? undefined : 'no size-limited emptyDir mounted on /tmp';
      }),
  },
];
