// Alerts as a table: severity, what, raised when, escalation, and who acknowledged it when; an
// open alert is acknowledged with one button, and the answer from the server replaces the row.
import { useState } from 'preact/hooks';
import { type AlertView, acknowledge } from '../api/monitoring.ts';
import { formatDateTime } from '../fhir/format.ts';
import { usePlatform } from '../platform.ts';
import { Link } from '../router.tsx';
import { Failure } from './status.tsx';

const severityText: Record<string, string> = { emergency: 'Emergency', urgent: 'Urgent', warning: 'Warning' };
const statusText: Record<string, string> = {
  raised: 'Raised',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

export function ruleText(alert: AlertView): string {
  if (alert.rule === 'news2') {
    const total = alert.detail.total;
    return typeof total === 'number' ? `NEWS2 ${total}` : 'NEWS2';
  }
  if (alert.rule.startsWith('limit:')) return `${alert.rule.slice(6)} outside its limits`;
  if (alert.rule.startsWith('silent:')) return 'Monitor silent';
  return alert.rule;
}

export function AlertList({
  alerts,
  names,
  onChange,
  caption,
}: {
  alerts: AlertView[];
  names?: Map<string, string>;
  onChange?: (alert: AlertView) => void;
  caption: string;
}) {
  const { api, session } = usePlatform();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<Error>();
  const acknowledgeOne = async (alert: AlertView) => {
    setBusy(alert.id);
    setError(undefined);
    try {
      // With sign-in the server takes the acknowledger from the token; `by` names them for the record.
      const user = session.snapshot.user;
      onChange?.(
        await acknowledge(api, alert.id, user?.fhirUser ?? user?.name ?? 'console user (no sign-in)'),
      );
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(undefined);
    }
  };
  if (alerts.length === 0) return <p class="empty">No alerts.</p>;
  return (
    <>
      {error && <Failure error={error} />}
      <div class="table-scroll">
        <table class="alerts">
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Alert</th>
              {names && <th scope="col">Patient</th>}
              <th scope="col">Severity</th>
              <th scope="col">Raised</th>
              <th scope="col">Status</th>
              <th scope="col">Acknowledged</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => (
              <tr key={alert.id} class={`alert-row status-${alert.status}`} data-alert={alert.id}>
                <th scope="row">{ruleText(alert)}</th>
                {names && (
                  <td>
                    <Link href={`/patients/${alert.patient}/live`}>
                      {names.get(alert.patient) ?? alert.patient}
                    </Link>
                  </td>
                )}
                <td>
                  <span class={`severity severity-${alert.severity}`}>
                    {severityText[alert.severity] ?? alert.severity}
                  </span>
                </td>
                <td>{formatDateTime(alert.raisedAt)}</td>
                <td>
                  {statusText[alert.status] ?? alert.status}
                  {alert.escalationLevel > 0 &&
                    alert.status === 'raised' &&
                    ` · escalated (level ${alert.escalationLevel})`}
                </td>
                <td>
                  {alert.acknowledgedAt
                    ? `${alert.acknowledgedBy ?? 'someone'}, ${formatDateTime(alert.acknowledgedAt)}`
                    : '—'}
                </td>
                <td>
                  {alert.status === 'raised' && (
                    <button
                      type="button"
                      class="primary"
                      disabled={busy === alert.id}
                      onClick={() => acknowledgeOne(alert)}
                    >
                      {busy === alert.id ? 'Acknowledging…' : 'Acknowledge'}
                      <span class="visually-hidden"> {ruleText(alert)}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
