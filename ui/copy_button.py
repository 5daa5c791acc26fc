"""Copy buttons that are always visible (phones cannot hover) and never show what they copy.

Streamlit's code box only shows its copy icon on hover, and it shows the value. These buttons live in a
small component frame (which may write to the clipboard); the value travels base64-encoded and is only
decoded on click, so it never appears on screen, and a search of the page for it finds nothing either.
"""

from __future__ import annotations

import base64
import html
import json

import streamlit as st

BUTTON_ROW_HEIGHT = 46

_SCRIPT = """
<script>
function copyValue(button) {
  const bytes = Uint8Array.from(atob(button.dataset.value), c => c.charCodeAt(0));
  navigator.clipboard.writeText(new TextDecoder().decode(bytes)).then(
    () => { button.dataset.state = "done"; button.querySelector("span").textContent = "Copied"; },
    () => { button.dataset.state = "failed"; button.querySelector("span").textContent = "Copy blocked"; }
  );
  setTimeout(() => {
    button.dataset.state = "";
    button.querySelector("span").textContent = button.dataset.label;
  }, 2500);
}
</script>
"""

_STYLE = """
<style>
  body { margin: 0; font-family: "Source Sans Pro", "Source Sans 3", sans-serif; }
  .row { display: flex; gap: 8px; overflow-x: auto; white-space: nowrap; }
  button { font: inherit; font-size: 15px; padding: 6px 12px; border-radius: 8px; cursor: pointer;
           border: 1px solid rgba(49, 51, 63, 0.25); background: #fff; color: rgb(49, 51, 63); }
  button:hover { border-color: #ff4b4b; color: #ff4b4b; }
  button[data-state="done"] { border-color: #21c354; color: #158237; }
</style>
"""


def _encode(value: str) -> str:
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


def copy_buttons(buttons: list[tuple[str, str]]) -> None:
    """One row of buttons, each (label, value): a click puts the value on the clipboard."""
    parts = []
    for label, value in buttons:
        safe_label = html.escape(label)
        parts.append(
            f'<button type="button" data-label="{safe_label}" data-value="{_encode(value)}" '
            f'title="{safe_label}" onclick="copyValue(this)">📋 <span>{safe_label}</span></button>'
        )
    body = f'{_STYLE}<div class="row" role="group" aria-label={json.dumps("Copy buttons")}>'
    # Our own markup with base64 values only: nothing from a user reaches this frame unescaped.
    st.iframe(body + "".join(parts) + "</div>" + _SCRIPT, height=BUTTON_ROW_HEIGHT)
