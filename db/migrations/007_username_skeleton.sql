-- What each username looks like (its UTS #39 skeleton, see db/src/usernames.ts): a name that looks
-- like another one (`аdmin` in Cyrillic beside `admin`) is refused by this key at registration.
-- NULL for an old account whose name looked like an older one's; the runner fills the rest.
-- In the table's collation, so the skeletons also compare without case and accents.
ALTER TABLE users
  ADD COLUMN IF NOT EXISTS username_skeleton VARCHAR(255) NULL AFTER username,
  ADD UNIQUE KEY IF NOT EXISTS uk_users_username_skeleton (username_skeleton);
