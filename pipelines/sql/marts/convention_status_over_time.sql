-- marts.convention_status_over_time: columns, units and meaning in
-- pipelines/contracts/intermediate/int_convention_status_over_time.yml
SELECT
    as_of_date, signatories_verified, signatory_count_verified, signatures_listed_verified,
    signatures_reported_not_verified, ratifications_verified, ratifications_required, ratifications_still_needed,
    ratification_steps_not_counted, events_on_date, events_on_date_verified, evidence_on_date,
    days_until_signature_closes
FROM intermediate.int_convention_status_over_time
ORDER BY as_of_date
