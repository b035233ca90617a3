"""Keys typed faster than the screen: Enter must act on what was typed before it.

Textual routes each key to the focused field's own queue, so in a burst ("Call Acme⏎Gus⏎", a
paste, a fast typist on a busy machine) the letters after Enter reach the old field before it
has even handled the Enter, and an Enter that moves to the next field through the field's
Submitted message moves too late. The same holds for every key that acts on what was typed
(save, skip, open a dialog): bound the usual way, it reaches the screen only after the field
has applied the keys behind it ("42 ctrl+s 37" saved 4237). Screens bind such keys with
`typed_keys_binding` and make their actions with `after_typed_keys` (screens/base.py): the key
is handled as it arrives, before the next key is routed; its action waits here until the
fields have applied the keys queued before it, then moves the focus with `set_focus`, which is
immediate, or pushes the dialog and awaits its mount, so the keys after it reach its field.
"""

from __future__ import annotations

import asyncio
import contextlib

from textual.widget import Widget

from okr_tui.widgets.textual_compat import active_message_pump

ALIVE_CHECK_SECONDS = 0.5
"""How often a wait asks whether its field still runs. Never a deadline: where a busy CPU
keeps a field from its keys for longer, acting anyway would read half a value and leave the
rest of the keys to land in the next step's field."""


async def keys_applied(*fields: Widget) -> None:
    """Return once `fields` have handled the keys already sent to them.

    A field takes a key off its queue and applies it without pausing, so a field with an empty
    queue has nothing pending and a key at typing speed does not wait at all. However long a
    field takes, this waits for it; it stops waiting only for a field that stopped running (its
    screen closed), whose keys go nowhere.
    """
    waiting = active_message_pump.get(None)  # private in Textual 8.2.8; checked by the tests
    for field in fields:
        if not field.message_queue_size or field is waiting:
            continue  # nothing pending, or the caller is the field itself (it would never see it)
        done = asyncio.Event()
        if not field.call_later(done.set):
            continue  # closing: it takes no more messages
        while not done.is_set() and field.is_running:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), ALIVE_CHECK_SECONDS)
