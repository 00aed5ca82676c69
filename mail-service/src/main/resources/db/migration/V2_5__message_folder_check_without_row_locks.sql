-- A copy must sit in a folder of its own mailbox (V2_4) — kept, but checked without a row lock.
--
-- Why: a foreign-key check locks the row it finds (FOR KEY SHARE) until the inserting transaction
-- commits, so that the row cannot be deleted or re-keyed meanwhile. Every send stores a copy in the
-- recipient's inbox and one in the sender's sent folder, so all concurrent sends to (or from) one
-- mailbox lock the same folder row: with more than one locker the row's lock becomes a MultiXact,
-- written anew for every locker, with its WAL, on the one page every such send touches. On the
-- benchmark stack at a fixed 1,000 sends a second that lock was most of the latency tail
-- (docs/mail-service.md, session 13): p99 over 50 ms in 8 of 10 runs with it, 0 of 9 without.
--
-- The lock only guards against a folder disappearing or changing its key. Folders are never deleted
-- and never re-keyed (no API does either; a mailbox keeps its folders), and that is now enforced
-- below, so a folder a statement can see stays — and the check needs no lock.

-- folders are permanent: no DELETE, no TRUNCATE, no change of id or mailbox
CREATE FUNCTION folder_is_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'folders are never deleted or moved to another mailbox (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation', CONSTRAINT = 'folder_is_permanent', TABLE = 'folder';
END;
$$;
CREATE TRIGGER folder_is_permanent BEFORE DELETE ON folder FOR EACH ROW EXECUTE FUNCTION folder_is_permanent();
CREATE TRIGGER folder_key_is_permanent BEFORE UPDATE OF id, mailbox_id ON folder FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.mailbox_id IS DISTINCT FROM OLD.mailbox_id) EXECUTE FUNCTION folder_is_permanent();
CREATE TRIGGER folder_is_not_truncated BEFORE TRUNCATE ON folder FOR EACH STATEMENT EXECUTE FUNCTION folder_is_permanent();

-- the check itself: the folder exists and belongs to the copy's mailbox; a plain read, no lock
CREATE FUNCTION message_folder_in_mailbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM folder f WHERE f.id = NEW.folder_id AND f.mailbox_id = NEW.mailbox_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'a message must be in a folder of its own mailbox'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'message_folder_in_mailbox', TABLE = 'message';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER message_folder_in_mailbox BEFORE INSERT OR UPDATE OF folder_id, mailbox_id ON message
    FOR EACH ROW EXECUTE FUNCTION message_folder_in_mailbox();

ALTER TABLE message DROP CONSTRAINT message_folder_in_mailbox_fkey;
