-- SIP accounts: remember the realm each HA1 was computed for, keep extensions
-- unique within a SIP domain shared by several accounts, and let the
-- registrar see only hashes made for the realm in force (R-SIP-1, R-SIP-3,
-- R-SIP-4).

-- HA1 = md5(extension:realm:password) is worthless under another realm. When
-- an account's SIP domain changes, its accounts keep their old realm here and
-- drop out of the subscriber view until a new password is set (or the domain
-- is changed back).
ALTER TABLE sip_accounts ADD COLUMN realm TEXT NOT NULL DEFAULT '';
UPDATE sip_accounts
SET realm = (SELECT lower(a.sip_domain) FROM accounts a WHERE a.id = sip_accounts.account_id);

-- Kamailio looks subscribers up by username and domain.
CREATE INDEX sip_accounts_extension_realm ON sip_accounts (extension, realm);

-- Extensions are unique within a SIP domain (R-SIP-1), also when several
-- accounts share one domain; the code checks first and says which, these
-- triggers keep the rule true whatever writes the file.
CREATE TRIGGER sip_accounts_domain_unique_insert
BEFORE INSERT ON sip_accounts
WHEN EXISTS (SELECT 1 FROM sip_accounts s
             JOIN accounts a ON a.id = s.account_id
             WHERE s.extension = NEW.extension
               AND lower(a.sip_domain) = (SELECT lower(sip_domain) FROM accounts WHERE id = NEW.account_id))
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: sip_accounts.extension within the SIP domain');
END;

CREATE TRIGGER sip_accounts_domain_unique_update
BEFORE UPDATE OF extension, account_id ON sip_accounts
WHEN EXISTS (SELECT 1 FROM sip_accounts s
             JOIN accounts a ON a.id = s.account_id
             WHERE s.extension = NEW.extension AND s.id <> NEW.id
               AND lower(a.sip_domain) = (SELECT lower(sip_domain) FROM accounts WHERE id = NEW.account_id))
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: sip_accounts.extension within the SIP domain');
END;

CREATE TRIGGER accounts_sip_domain_unique_extensions
BEFORE UPDATE OF sip_domain ON accounts
WHEN EXISTS (SELECT 1 FROM sip_accounts mine
             JOIN sip_accounts other ON other.extension = mine.extension
             JOIN accounts oa ON oa.id = other.account_id
             WHERE mine.account_id = NEW.id AND oa.id <> NEW.id
               AND lower(oa.sip_domain) = lower(NEW.sip_domain))
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: sip_accounts.extension within the SIP domain');
END;

-- The registrar contract (R-SIP-4), replacing the first cut: only enabled
-- accounts whose hash was made for the account's current domain. Domains are
-- compared in lower case, as phones send them.
DROP VIEW subscriber;
CREATE VIEW subscriber AS
SELECT s.id        AS id,
       s.extension AS username,
       s.realm     AS domain,
       ''          AS password,
       s.ha1       AS ha1,
       s.ha1b      AS ha1b
FROM sip_accounts s
JOIN accounts a ON a.id = s.account_id
WHERE s.enabled = 1
  AND s.ha1 <> ''
  AND s.realm = lower(a.sip_domain);
