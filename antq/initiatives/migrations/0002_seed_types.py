"""Seed the catalogue of initiative types from `antq/initiatives/data/types.yaml` (idempotent)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from antq.initiatives.catalogue import sync_types

    sync_types(apps.get_model("initiatives", "InitiativeType"))


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
