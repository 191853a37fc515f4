// Confirmation dialogs on the native <dialog>: modal, focus kept inside, Escape cancels.
import { h } from '../dom.js';
import { errorNotice } from '../errors.js';

/**
 * Opens a dialog; `onConfirm()` runs the action. If it throws, the error appears inside the dialog
 * and the dialog stays open. Resolves to the action's result, or null when cancelled.
 */
export function confirmDialog({ title, body, confirmLabel, danger = false, onConfirm }) {
  return new Promise((resolve) => {
    const errorSlot = h('div', { class: 'dialog-error' });
    const confirm = h('button', { type: 'submit', class: ['button', danger ? 'button-danger' : 'button-primary'], text: confirmLabel });
    const cancel = h('button', { type: 'button', class: 'button button-secondary', text: 'Cancel', value: 'cancel' });
    const titleId = `dialog-title-${Date.now()}`;
    const form = h(
      'form',
      { method: 'dialog', class: 'dialog-form' },
      h('h2', { id: titleId, class: 'dialog-title', text: title }),
      h('div', { class: 'dialog-body' }, body),
      errorSlot,
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    );
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    cancel.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      confirm.disabled = true;
      errorSlot.replaceChildren();
      try {
        finish(await onConfirm(form));
      } catch (error) {
        errorSlot.replaceChildren(errorNotice(error));
        confirm.disabled = false;
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    // Start on Cancel: a stray Enter must not reset a token or rewrite an identity.
    cancel.focus();
  });
}

/**
 * A dialog with one button that only closes it: for something shown once (a new secret URL),
 * where Cancel would mean nothing. Resolves when closed.
 */
export function messageDialog({ title, body, closeLabel = 'Done' }) {
  return new Promise((resolve) => {
    const titleId = `dialog-title-${Date.now()}`;
    const close = h('button', { type: 'submit', class: 'button button-primary', text: closeLabel });
    const form = h(
      'form',
      { method: 'dialog', class: 'dialog-form' },
      h('h2', { id: titleId, class: 'dialog-title', text: title }),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'dialog-actions' }, close),
    );
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
    close.focus();
  });
}
