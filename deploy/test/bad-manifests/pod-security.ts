// Manifests that break the Pod Security "restricted" and the image user rules (rules/pod-security.ts), one or more per rule.
import { type Breaker, get, pod, records } from './support.ts';

export const podSecurityBreakers: Record<string, Breaker[]> = {
  'namespace-pod-security-restricted': [
    {
      why: 'enforce baseline',
      breaks: (o) => {
        get(o, 'Namespace', 'healthlane').metadata.labels!['pod-security.kubernetes.io/enforce'] = 'baseline';
      },
    },
  ],
  'pss-host-namespaces': [
    {
      why: 'hostNetwork',
      breaks: (o) => {
        pod(o, 'Deployment', 'gateway').hostNetwork = true;
      },
    },
    {
      why: 'hostPort',
      breaks: (o) => {
        records(o).ports[0].hostPort = 8080;
      },
    },
  ],
  'pss-privileged': [
    {
      why: 'privileged',
      breaks: (o) => {
        records(o).securityContext.privileged = true;
      },
    },
  ],
  'pss-baseline-kernel': [
    {
      why: 'unmasked /proc',
      breaks: (o) => {
        records(o).securityContext.procMount = 'Unmasked';
      },
    },
    {
      why: 'unsafe sysctl',
      breaks: (o) => {
        pod(o, 'StatefulSet', 'nats').securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
      },
    },
    {
      why: 'AppArmor unconfined',
      breaks: (o) => {
        pod(o, 'Deployment', 'gateway').securityContext.appArmorProfile = { type: 'Unconfined' };
      },
    },
  ],
  'pss-volume-types': [
    {
      why: 'hostPath',
      breaks: (o) => {
        pod(o, 'StatefulSet', 'nats').volumes.push({ name: 'host', hostPath: { path: '/' } });
      },
    },
  ],
  'pss-privilege-escalation': [
    {
      why: 'unset',
      breaks: (o) => {
        delete pod(o, 'StatefulSet', 'nats').containers[1].securityContext.allowPrivilegeEscalation;
      },
    },
  ],
  'pss-run-as-non-root': [
    {
      why: 'runAsUser 0',
      breaks: (o) => {
        records(o).securityContext.runAsUser = 0;
      },
    },
    {
      why: 'no runAsNonRoot',
      breaks: (o) => {
        delete pod(o, 'StatefulSet', 'mosquitto').securityContext.runAsNonRoot;
        delete pod(o, 'StatefulSet', 'mosquitto').containers[0].securityContext.runAsNonRoot;
      },
    },
  ],
  'pss-capabilities': [
    {
      why: 'NET_ADMIN added',
      breaks: (o) => {
        records(o).securityContext.capabilities.add = ['NET_ADMIN'];
      },
    },
    {
      why: 'nothing dropped',
      breaks: (o) => {
        records(o).securityContext.capabilities.drop = [];
      },
    },
  ],
  'pss-seccomp': [
    {
      why: 'Unconfined',
      breaks: (o) => {
        pod(o, 'Deployment', 'audit').securityContext.seccompProfile.type = 'Unconfined';
      },
    },
  ],
  'user-group-id-at-least-10000': [
    {
      why: 'UID 1000',
      breaks: (o) => {
        pod(o, 'Deployment', 'identity').securityContext.runAsUser = 1000;
      },
    },
  ],
  'read-only-root-filesystem': [
    {
      why: 'writable root',
      breaks: (o) => {
        records(o).securityContext.readOnlyRootFilesystem = false;
      },
    },
    {
      why: 'no /tmp emptyDir',
      breaks: (o) => {
        records(o).volumeMounts = records(o).volumeMounts.filter(
          (m: { mountPath: string }) => m.mountPath !== '/tmp',
        );
      },
    },
  ],
};
