-- Failed sign-ins are counted per (e-mail as typed, client address) instead of per account: a lock
-- then stops the guesser at that address without locking the owner out from elsewhere, and an
-- unknown e-mail is counted and locked exactly like a known one, so a lock reveals no account.
-- A row matters until expires_at (end of the counting window, or of the lock); stale rows are
-- purged by the sign-in path itself.
CREATE TABLE login_throttle (
  email text NOT NULL,
  client text NOT NULL,
  failures integer NOT NULL,
  expires_at timestamptz NOT NULL,
  locked_until timestamptz,
  PRIMARY KEY (email, client)
);
CREATE INDEX login_throttle_expires_idx ON login_throttle (expires_at);
-- Global, like sessions: row-level security with no policy keeps the request role (relais_app) out.
ALTER TABLE login_throttle ENABLE ROW LEVEL SECURITY;

ALTER TABLE staff_user DROP COLUMN failed_logins, DROP COLUMN locked_until;

-- A token dies with its creator: the token lookup joins the creator's live membership and account,
-- and deleting the account deletes its tokens (SET NULL would have turned them into operator tokens,
-- the only ones without a creator, made by `relais token create`).
ALTER TABLE api_token DROP CONSTRAINT api_token_created_by_fkey;
ALTER TABLE api_token ADD CONSTRAINT api_token_created_by_fkey
  FOREIGN KEY (created_by) REFERENCES staff_user (id) ON DELETE CASCADE;

-- The name a campaign knows its member by, as its admin typed it when adding them. Accounts are
-- global: attaching an existing account by e-mail must not show its owner's own name (or anything
-- else of the account) to that admin. NULL for members added before (the account's name is shown).
ALTER TABLE membership ADD COLUMN display_name text;
