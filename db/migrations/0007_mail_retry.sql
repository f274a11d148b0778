-- When the sender will try a failed message again (Unix seconds), so that
-- the pages can say "błąd wysyłki, ponowię o 14:35" (R-MAIL-1). NULL for
-- mail never tried, sent, or whose retry the owner asked for.
ALTER TABLE outbox ADD COLUMN retry_at INTEGER;
