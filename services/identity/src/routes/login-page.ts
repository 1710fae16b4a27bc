// The sign-in page: server-rendered, accessible HTML (labelled fields, an error summary announced to
// screen readers, no script), with a patient field when the app asked for a patient in context.

export interface LoginPageOptions {
  action: string;
  clientName: string;
  /** Shown in the error summary; never echoes what the user typed. */
  error?: string;
  askPatient: boolean;
  username?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function renderLoginPage(options: LoginPageOptions): string {
  const error = options.error
    ? `<div role="alert" id="error" class="error"><h2>Sign-in failed</h2><p>${escapeHtml(options.error)}</p></div>`
    : '';
  const patient = options.askPatient
    ? `<p><label for="patient">Patient in context (FHIR Patient id)</label><input id="patient" name="patient" autocomplete="off" pattern="[A-Za-z0-9.\\-]{1,64}"></p>`
    : '';
  const described = options.error ? ' aria-describedby="error"' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — HealthLane</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;font-weight:600;margin-top:1rem}
input{width:100%;padding:.6rem;font-size:1rem;border:2px solid #555;border-radius:4px;box-sizing:border-box}
input:focus,button:focus{outline:3px solid #0b57d0;outline-offset:2px}
button{margin-top:1.5rem;padding:.7rem 1.4rem;font-size:1rem;background:#0b57d0;color:#fff;border:0;border-radius:4px}
.error{border:2px solid #b3261e;padding:0 1rem;margin:1rem 0;color:#b3261e}
</style>
</head>
<body>
<main>
<h1>Sign in to HealthLane</h1>
<p>${escapeHtml(options.clientName)} is asking to access the health record on your behalf.</p>
${error}
<form method="post" action="${escapeHtml(options.action)}"${described}>
<p><label for="username">Username</label><input id="username" name="username" autocomplete="username" required value="${escapeHtml(options.username ?? '')}"></p>
<p><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><label for="otp">One-time code from your authenticator app (if you set one up)</label><input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}"></p>
${patient}
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>`;
}
