// A cluster child must not outlive its supervisor (killed with SIGKILL it cannot stop us): the
// supervisor holds our stdin open, so its end means the supervisor is gone. We then stop gracefully.
export function exitWhenSupervisorLeaves(): void {
  const stdin = process.stdin;
  stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
  stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
  stdin.resume();
  // Reading stdin must not by itself keep the process alive once the host has stopped.
  (stdin as { unref?: () => void }).unref?.();
}
