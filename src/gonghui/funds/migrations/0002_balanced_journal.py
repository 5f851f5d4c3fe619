"""The journal's guarantees, held by the database whoever writes to it.

- Balanced: at commit, each org's postings within an entry sum to zero (so each org's books,
  and the whole tree's, balance at every moment), and an entry has postings. Deferred
  constraint triggers, so an entry and its postings are written in any order within the
  transaction; a violation fails the commit with SQLSTATE 23514 (check_violation).
- Append-only: a posting is never changed or deleted, nor is an entry; a correction is an
  entry of its own. (TRUNCATE, which only the test harness uses, fires no row triggers.) Nor
  is a posting added to an entry written by an earlier transaction: an entry carries the id of
  the transaction that wrote it (``txid``, unknown to Django, filled by its default), and a
  posting must be written by the same one.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION funds_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unbalanced RECORD;
    entry bigint;
BEGIN
    IF TG_TABLE_NAME = 'funds_posting' THEN
        entry := NEW.entry_id;
    ELSE
        entry := NEW.id;
        PERFORM 1 FROM funds_posting WHERE entry_id = entry;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'journal entry % has no postings', entry USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
    END IF;
    SELECT org_id, sum(amount) AS total INTO unbalanced
        FROM funds_posting WHERE entry_id = entry
        GROUP BY org_id HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance for org %: %',
            entry, unbalanced.org_id, unbalanced.total USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER funds_posting_balanced
    AFTER INSERT ON funds_posting DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_entry_balanced();
CREATE CONSTRAINT TRIGGER funds_entry_has_postings
    AFTER INSERT ON funds_journalentry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_entry_balanced();

ALTER TABLE funds_journalentry ADD COLUMN txid bigint NOT NULL DEFAULT txid_current();

CREATE FUNCTION funds_posting_with_its_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM funds_journalentry WHERE id = NEW.entry_id AND txid = txid_current();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'a posting is written with its entry, not added to entry % later',
            NEW.entry_id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER funds_posting_with_its_entry BEFORE INSERT ON funds_posting
    FOR EACH ROW EXECUTE FUNCTION funds_posting_with_its_entry();

CREATE FUNCTION funds_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only (%): post a correcting entry', TG_TABLE_NAME
        USING ERRCODE = '23514';
END $$;

CREATE TRIGGER funds_posting_append_only BEFORE UPDATE OR DELETE ON funds_posting
    FOR EACH ROW EXECUTE FUNCTION funds_append_only();
CREATE TRIGGER funds_entry_append_only BEFORE UPDATE OR DELETE ON funds_journalentry
    FOR EACH ROW EXECUTE FUNCTION funds_append_only();
"""

BACKWARD = r"""
DROP TRIGGER funds_posting_with_its_entry ON funds_posting;
DROP FUNCTION funds_posting_with_its_entry();
ALTER TABLE funds_journalentry DROP COLUMN txid;
DROP TRIGGER funds_entry_append_only ON funds_journalentry;
DROP TRIGGER funds_posting_append_only ON funds_posting;
DROP FUNCTION funds_append_only();
DROP TRIGGER funds_entry_has_postings ON funds_journalentry;
DROP TRIGGER funds_posting_balanced ON funds_posting;
DROP FUNCTION funds_entry_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
