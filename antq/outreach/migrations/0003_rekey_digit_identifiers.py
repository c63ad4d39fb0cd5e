"""Re-key participants whose identifier is all digits without its leading zeros (importing.identifier_key):
"id:001085012345" becomes "id:1085012345". Two participants of a node that now share a key are one
person (the same CCCD, once typed as text and once as a number): the one holding the new key is kept,
the other's attendances move to it (a session listing both keeps one row) and the other is deleted."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def new_key(key: str) -> str:
    if key.startswith("id:") and key[3:].isdigit():
        return "id:" + (key[3:].lstrip("0") or "0")
    return key


def rekey(apps: Any, schema_editor: Any) -> None:
    participant_model = apps.get_model("outreach", "Participant")
    attendance_model = apps.get_model("outreach", "Attendance")
    rows = participant_model.objects.filter(key__regex=r"^id:0[0-9]*$").order_by("node_id", "pk")
    for participant in rows.iterator():
        key = new_key(participant.key)
        kept = (
            participant_model.objects.filter(node_id=participant.node_id, key=key)
            .exclude(pk=participant.pk)
            .order_by("pk")
            .first()
        )
        if kept is None:
            participant.key = key
            participant.save(update_fields=["key"])
            continue
        listed = set(attendance_model.objects.filter(participant=kept).values_list("session_id", flat=True))
        moving = attendance_model.objects.filter(participant=participant)
        moving.filter(session_id__in=listed).delete()
        moving.update(participant=kept)
        participant.delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0002_session_withdrawal")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
