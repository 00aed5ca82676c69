-- A message's folder must be a folder of the message's own mailbox: one composite foreign key instead
-- of two separate ones (to the mailbox and to the folder), which allowed a copy in mailbox A to sit in
-- a folder of mailbox B. The mailbox still must exist (the folder refers to it). Also one check
-- fewer per stored copy: foreign-key checks were 6 % of the database's CPU during sends.
ALTER TABLE folder ADD CONSTRAINT folder_id_mailbox_id_key UNIQUE (id, mailbox_id);
-- added NOT VALID then validated: the check of existing rows takes no lock that would stop sends
ALTER TABLE message ADD CONSTRAINT message_folder_in_mailbox_fkey FOREIGN KEY (folder_id, mailbox_id)
    REFERENCES folder (id, mailbox_id) NOT VALID;
ALTER TABLE message VALIDATE CONSTRAINT message_folder_in_mailbox_fkey;
ALTER TABLE message DROP CONSTRAINT message_folder_id_fkey;
ALTER TABLE message DROP CONSTRAINT message_mailbox_id_fkey;
