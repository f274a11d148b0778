-- The region of phone numbers typed without their country code, per
-- account (issue 11): "22 123 45 67" in a Polish account is +48221234567.
ALTER TABLE accounts ADD COLUMN phone_country TEXT NOT NULL DEFAULT 'PL';
