"""The journal stays append-only, except for its county (``core.county``): an org moved to
another county carries its entries and postings with it, and nothing else of them changes."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION funds_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'county_id' = to_jsonb(OLD) - 'county_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the journal is append-only (%): post a correcting entry', TG_TABLE_NAME
        USING ERRCODE = '23514';
END $$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION funds_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only (%): post a correcting entry', TG_TABLE_NAME
        USING ERRCODE = '23514';
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0004_county")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
