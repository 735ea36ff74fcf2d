-- marts.convention_events: columns, units and meaning in pipelines/contracts/intermediate/int_convention_events.yml
SELECT
    event_id, event_date, period_as_stated, participant, participant_type, event_type, stage, stage_as_stated,
    verification, is_verified, is_counted, source, source_url, facts_ref, source_file, source_row
FROM intermediate.int_convention_events
ORDER BY event_date NULLS LAST, participant, event_id
