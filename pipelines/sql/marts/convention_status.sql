-- marts.convention_status: columns, units and meaning in pipelines/contracts/marts/convention_status.yml
SELECT
    adopted_on, opened_for_signature_on, signature_open_until, signatories_verified, signatories_reio_verified,
    signatory_states_verified, signatories_as_of, signatories_source, ratifications_verified,
    ratifications_counted_for_entry_into_force, ratifications_as_of, ratifications_required,
    ratifications_still_needed, entry_into_force_reached, fortieth_instrument_deposited_on, entry_into_force_date,
    entry_into_force_rule, unverified_reports, secondary_reports, events_verified, events_not_verified,
    newest_evidence_on, newest_evidence
FROM intermediate.int_convention_status
