-- Sign-in with an OpenID Connect provider (issue 17). The provider's
-- settings live in the settings table (key 'oidc.provider', JSON, the client
-- secret sealed with the server secret). A session opened through the
-- provider whose ID token says it used several factors (amr "mfa"), where
-- the owner lets that count, is not sent to enrol a second factor of
-- kadra's own (R-MFA-3).
ALTER TABLE sessions ADD COLUMN provider_mfa INTEGER NOT NULL DEFAULT 0;

-- A sign-in through the provider whose user also has a second factor of
-- kadra's own waits for its code like a password's; the provider's name
-- is kept with it, so that the session, once the code is right, is
-- audited as opened through the provider.
ALTER TABLE mfa_challenges ADD COLUMN provider TEXT NOT NULL DEFAULT '';
