-- Tailor's report estimator as one portable SQL query: the numbers of
-- `tailor-reports decode` (src/core/ldp.rs, Tally), computed in a warehouse.
--
-- Input: a table of reports, one row per JSON line the devices sent, flattened:
--
--   reports (
--     shop      VARCHAR           NOT NULL,  -- "shop"
--     kind      VARCHAR           NOT NULL,  -- "kind"
--     period    VARCHAR           NOT NULL,  -- "period": first day (a Monday) of the week, YYYY-MM-DD
--     mechanism VARCHAR           NOT NULL,  -- "mechanism": 'grr', 'oue' or 'olh'
--     epsilon   DOUBLE PRECISION  NOT NULL,  -- "epsilon"
--     domain    INTEGER           NOT NULL,  -- "domain": number of buckets
--     value     INTEGER,                     -- "value": grr (a bucket) and olh (a hash value)
--     bits      VARCHAR,                     -- "bits": oue, one '0'/'1' per bucket
--     a         BIGINT,                      -- "a", "b", "g": olh's hash ((a·x + b) mod 2^31−1) mod g
--     b         BIGINT,
--     g         INTEGER
--   )
--
-- The loader only flattens: a field a line lacks is NULL. In DuckDB, for example:
--
--   CREATE TABLE reports AS SELECT * FROM read_json('reports.jsonl',
--     format = 'newline_delimited',
--     columns = {v: 'INTEGER', shop: 'VARCHAR', kind: 'VARCHAR', period: 'VARCHAR',
--                mechanism: 'VARCHAR', epsilon: 'DOUBLE', domain: 'INTEGER', value: 'INTEGER',
--                bits: 'VARCHAR', a: 'BIGINT', b: 'BIGINT', g: 'INTEGER'});
--
-- Validate lines on the way in as the native decoder does (or run it over a sample):
-- this query trusts its input. One difference by design: the native decoder refuses a
-- kind and period whose reports mix mechanism, epsilon, domain or g; here such a mix
-- gives one group per parameter set (each estimate right for its own reports), so a
-- shop that sees two rows for one bucket has devices that disagree.
--
-- Output: one row per (shop, kind, period, bucket) with n (reports), the unbiased
-- estimate of how many reports had that true bucket, its standard error, and the 95 %
-- interval (estimate ± 1.96 standard errors). When n is below params.min_reports, the
-- numbers are NULL and withheld is TRUE: no estimate from too few reports is published.
--
-- Estimator (Wang et al., USENIX Security 2017): with C the number of reports that
-- support the bucket, p* the chance that a report supports its own true bucket and q*
-- that it supports any other one,
--   estimate = (C − n·q*) / (p* − q*)
--   variance = n·q*(1 − q*)/(p* − q*)² + n·f·(1 − p* − q*)/(p* − q*)
-- where f is the estimated share of the bucket clamped to [0, 1] (the true share is unknown).
--   grr: p* = e^ε/(e^ε + d − 1), q* = 1/(e^ε + d − 1); supports the bucket it names
--   oue: p* = 1/2,               q* = 1/(e^ε + 1);     supports every bucket whose bit is 1
--   olh: p* = e^ε/(e^ε + g − 1), q* = 1/g;             supports every bucket that hashes to value
--
-- Standard SQL (WITH RECURSIVE, CASE, EXP, SQRT, MOD, SUBSTR); tested in DuckDB by
-- tests/sql/check_sql.py against the native decoder (scripts/test.sh runs it). Also run
-- by hand on PostgreSQL 15 and SQLite 3.40 (with its math functions): the same numbers.

WITH RECURSIVE
params (min_reports, z) AS (
  SELECT 100, CAST(1.96 AS DOUBLE PRECISION)
),

-- One stream per shop, kind, period and parameter set; g is 0 unless olh.
streams AS (
  SELECT shop, kind, period, mechanism, epsilon, domain,
         COALESCE(g, 0) AS g,
         COUNT(*) AS n
  FROM reports
  GROUP BY shop, kind, period, mechanism, epsilon, domain, COALESCE(g, 0)
),

-- Bucket numbers 0 .. (largest domain − 1).
buckets (bucket) AS (
  SELECT 0
  UNION ALL
  SELECT bucket + 1 FROM buckets
  WHERE bucket + 1 < (SELECT MAX(domain) FROM reports)
),

-- C(v): how many reports of each stream support each of its buckets.
support AS (
  SELECT s.shop, s.kind, s.period, s.mechanism, s.epsilon, s.domain, s.g, s.n, k.bucket,
         SUM(CASE
               WHEN s.mechanism = 'grr' AND r.value = k.bucket THEN 1
               WHEN s.mechanism = 'oue' AND SUBSTR(r.bits, k.bucket + 1, 1) = '1' THEN 1
               WHEN s.mechanism = 'olh'
                    AND MOD(MOD(CAST(r.a AS BIGINT) * k.bucket + r.b, 2147483647), r.g) = r.value
                 THEN 1
               ELSE 0
             END) AS c
  FROM streams s
  JOIN buckets k ON k.bucket < s.domain
  JOIN reports r
    ON r.shop = s.shop AND r.kind = s.kind AND r.period = s.period
   AND r.mechanism = s.mechanism AND r.epsilon = s.epsilon AND r.domain = s.domain
   AND COALESCE(r.g, 0) = s.g
  GROUP BY s.shop, s.kind, s.period, s.mechanism, s.epsilon, s.domain, s.g, s.n, k.bucket
),

probabilities AS (
  SELECT support.*,
         CASE mechanism
           WHEN 'grr' THEN EXP(epsilon) / (EXP(epsilon) + domain - 1)
           WHEN 'oue' THEN CAST(0.5 AS DOUBLE PRECISION)
           ELSE EXP(epsilon) / (EXP(epsilon) + g - 1)
         END AS p_star,
         CASE mechanism
           WHEN 'grr' THEN 1 / (EXP(epsilon) + domain - 1)
           WHEN 'oue' THEN 1 / (EXP(epsilon) + 1)
           ELSE 1 / CAST(g AS DOUBLE PRECISION)
         END AS q_star
  FROM support
),

estimates AS (
  SELECT probabilities.*,
         (c - n * q_star) / (p_star - q_star) AS estimate
  FROM probabilities
),

variances AS (
  SELECT estimates.*,
         n * q_star * (1 - q_star) / ((p_star - q_star) * (p_star - q_star))
         + n * (CASE
                  WHEN estimate <= 0 THEN 0
                  WHEN estimate >= n THEN 1
                  ELSE estimate / n
                END) * (1 - p_star - q_star) / (p_star - q_star) AS variance
  FROM estimates
)

SELECT v.shop, v.kind, v.period, v.bucket, v.mechanism, v.epsilon, v.domain, v.n,
       CASE WHEN v.n >= params.min_reports THEN v.estimate END AS estimate,
       CASE WHEN v.n >= params.min_reports THEN SQRT(v.variance) END AS std_error,
       CASE WHEN v.n >= params.min_reports THEN v.estimate - params.z * SQRT(v.variance) END AS low,
       CASE WHEN v.n >= params.min_reports THEN v.estimate + params.z * SQRT(v.variance) END AS high,
       v.n < params.min_reports AS withheld
FROM variances v CROSS JOIN params
ORDER BY v.shop, v.kind, v.period, v.mechanism, v.epsilon, v.domain, v.bucket;
