"""Keys typed faster than the screen: Enter must act on what was typed before it.

Textual routes each key to the focused field's own queue, so in a burst ("Call Acme⏎Gus⏎", a
paste, a fast typist on a busy machine) the letters after Enter reach the old field before it
has even handled the Enter, and an Enter that moves to the next field through the field's
Submitted message moves too late. The same holds for every key that acts on what was typed
(save, skip, open a dialog): bound the usual way, it reaches the screen only after the field
has applied the keys behind it ("42 ctrl+s 37" saved 4237). Screens bind such keys as priority
bindings instead (handled as they arrive, before the next key is routed), wait here until the
fields have applied the keys queued before them, then move the focus with `set_focus`, which
is immediate, or push the dialog and await its mount, so the keys after it reach its field.
"""

from __future__ import annotations

import asyncio
import contextlib

from textual.widget import Widget


async def keys_applied(*fields: Widget) -> None:
    """Return once `fields` have handled the keys already sent to them.

    A field takes a key off its queue and applies it without pausing, so a field with an empty
    queue has nothing pending and a key at typing speed does not wait at all. Gives up after a
    second rather than hang the app on a field that stopped.
    """
    settled = []
    for field in fields:
        if field.message_queue_size:
            done = asyncio.Event()
            field.call_later(done.set)
            settled.append(done)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(1):
            for done in settled:
                await done.wait()
