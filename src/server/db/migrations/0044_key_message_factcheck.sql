-- A key message may link to a fact check ("le vrai du faux"): a reply that uses it can cite the
-- check's page on the site. Deleting the check unlinks the message, never deletes it.
ALTER TABLE listening_key_message ADD COLUMN factcheck_id uuid;
ALTER TABLE listening_key_message
  ADD CONSTRAINT listening_key_message_factcheck_fk FOREIGN KEY (campaign_id, factcheck_id)
  REFERENCES fact_check (campaign_id, id) ON DELETE SET NULL (factcheck_id);
