-- A fence a statement can check inside a pipelined transaction: it fails the transaction (so the
-- COMMIT sent behind it rolls back) unless `held` is true. The submitter's status writes use it to
-- check, without a round trip of their own, that its lease still covers every command it updates.
CREATE FUNCTION gx_lease_fence(held boolean, detail text) RETURNS boolean
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT held THEN
    RAISE EXCEPTION USING ERRCODE = 'GXL01', MESSAGE = 'lease lost', DETAIL = detail;
  END IF;
  RETURN true;
END
$$;
