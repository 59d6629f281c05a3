-- A half-signed-in session (password checked, second factor pending) ends after a few wrong codes
-- (issue #11): failures lock only one (account, source) pair, so without this whoever has the
-- password could keep one session and try codes from address after address. A new session needs
-- the password again, which the account's delay slows down.
alter table user_session add column second_factor_failures int not null default 0;
