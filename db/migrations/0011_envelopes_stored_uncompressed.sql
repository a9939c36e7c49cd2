-- A signed envelope is written once, before its first submission, and read again only to resubmit
-- or look it up after a fault. Compressed (pglz, this build has no lz4) it took PostgreSQL 2.3-2.4 ms
-- to insert a batch's 89 KB envelope against 0.6-0.9 ms stored as is, a sixth of its CPU in a
-- batched drain, to save about 50 KB of disk and WAL per transaction. Rows already stored keep
-- their form.
ALTER TABLE "ledger_transactions" ALTER COLUMN "envelope" SET STORAGE EXTERNAL;
