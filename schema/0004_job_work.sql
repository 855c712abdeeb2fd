-- Jobs: the work a job does as a bit set, because triggers combine work (a job may both retry failed rows and
-- process pending ones). Once a database has applied this file, never edit it: add a new numbered file instead.
--
--   work            what the job was asked to do, ORed over its triggers: 1 process pending rows, 2 retry failed
--                   rows, 4 rebuild the rollups from raw
--   unstarted_work  the bits 2 and 4 whose reset has not run yet. The next processing step runs the reset and
--                   clears the bits in the same transaction. Retry sets failed rows back to pending. Rebuild
--                   drops the categorized rows and rollups and sets aggregated rows back to pending. A later
--                   trigger sets the bits again.
-- The kind column stays for SQL users: 'rebuild', 'retry' or 'process', the strongest bit of work.
ALTER TABLE jobs ADD COLUMN work INTEGER NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN unstarted_work INTEGER NOT NULL DEFAULT 0;

UPDATE jobs SET
    work = CASE kind WHEN 'rebuild' THEN 5 WHEN 'retry' THEN 3 ELSE 1 END,
    unstarted_work = CASE kind WHEN 'rebuild' THEN 4 WHEN 'retry' THEN 2 ELSE 0 END;
