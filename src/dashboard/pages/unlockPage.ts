/**
 * `/unlock`: where a browser gets the session that lets it act. Opening the
 * link printed at start (`/unlock?token=...`) does it at once; this form is
 * for pasting the token instead.
 */
import { type Html, html } from "../html.js";

export function unlockFormContent(problem: string | null): Html {
  const error = problem !== null ? html`<p class="error" role="alert" id="unlock-error">${problem}</p>` : "";
  const described = problem !== null ? html` aria-describedby="unlock-error" aria-invalid="true"` : "";
  return html`${error}<form method="post" action="/unlock" class="unlock">
<p>Actions (redrive, purge, cancel) need the token <code>pgmq-gen dashboard --allow-actions</code> printed when it started, or the one given in <code>PGMQ_GEN_DASHBOARD_TOKEN</code>.</p>
<label for="token">Token</label> <input id="token" name="token" type="password" autocomplete="off" required${described}>
<button type="submit">Unlock</button>
</form>`;
}
