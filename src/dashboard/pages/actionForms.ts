/**
 * The pieces every action (redrive, purge, cancel) shares: what the page
 * says instead of a button when actions are off or locked, and the
 * confirmation page each action shows before it changes anything (the
 * browser's counterpart of the CLI's y/N question).
 */
import { type Html, type HtmlValue, html } from "../html.js";
import type { ActionMode } from "./layout.js";

/** The note shown where action buttons would be, or null when this browser may act. */
export function actionsUnavailable(mode: ActionMode, what: string): Html | null {
  if (!mode.allowed)
    return html`<p class="note">Read-only: start the dashboard with <code>--allow-actions</code> to ${what}.</p>`;
  if (!mode.unlocked) return html`<p class="note"><a href="/unlock">Unlock actions with the token</a> to ${what}.</p>`;
  return null;
}

/** Hidden fields carrying a form's values to its confirmation. */
export function hiddenFields(fields: readonly (readonly [string, string])[]): Html {
  return html`${fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}`;
}

export interface Confirmation {
  /** The question, as a sentence. */
  readonly question: HtmlValue;
  /** Where the confirmed form posts. */
  readonly action: string;
  /** The form's values, repeated. */
  readonly fields: readonly (readonly [string, string])[];
  /** The button's words: what it does, with the count. */
  readonly button: string;
  /** Destructive (purge, cancel): the button is styled as a warning. */
  readonly destructive: boolean;
  /** Where "Back" leads. */
  readonly back: string;
}

export function confirmationContent(confirmation: Confirmation): Html {
  return html`<form method="post" action="${confirmation.action}" class="confirm">
<p>${confirmation.question}</p>
${hiddenFields(confirmation.fields)}
<input type="hidden" name="confirm" value="yes">
<button type="submit"${confirmation.destructive ? html` class="danger"` : ""}>${confirmation.button}</button>
<a href="${confirmation.back}">Back, change nothing</a>
</form>`;
}
