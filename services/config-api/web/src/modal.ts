import { h } from './dom.js';

/**
 * A modal <dialog>: focus moves into it, Escape closes it, and focus returns to what opened it.
 * Removed from the page when closed.
 */
export function openModal(labelledBy: string, ...content: Node[]): HTMLDialogElement {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const dialog = h('dialog', { class: 'modal', 'aria-labelledby': labelledBy }, ...content);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return dialog;
}

/** Asks for confirmation in a modal; resolves true only when the confirm button is pressed. */
export function confirmDialog(question: string, detail: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const confirm = h('button', { type: 'button', class: 'button-danger' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'button-secondary' }, 'Cancel');
    const dialog = openModal(
      'confirm-heading',
      h('h2', { id: 'confirm-heading' }, question),
      h('p', {}, detail),
      h('div', { class: 'form-actions' }, confirm, cancel),
    );
    let answer = false;
    confirm.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => resolve(answer));
    // The safe choice has focus, so a stray Enter does not delete.
    cancel.focus();
  });
}
