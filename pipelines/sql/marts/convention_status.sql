-- @table Status of the United Nations Convention against Cybercrime (A/RES/79/243, the "Hanoi Convention"):
--   one row. Verified counts only: signatories are the latest verified count (UN Treaty Collection: 72 at
--   the end of the Hanoi signing ceremony, 71 States plus the European Union); ratifications are the verified
--   deposits of instruments of ratification, acceptance, approval or accession recorded in the curated
--   reference (reference/convention_status, curated from taxonomy_facts.md §1.1 and
--   convention_status_events.csv). Entry into force (art.
--   65(1)): on the 90th day after the deposit of the 40th instrument, an instrument of a regional economic
--   integration organization (the EU) not counted in addition to its member States'; the date stays null
--   until 40 verified State instruments are recorded (never projected). Secondary and unverified reports
--   (signatures seen only in news, later news of Canada's signature, domestic ratification steps such as
--   Azerbaijan's approval law with no deposit seen, reports of 1-3 ratifications) are listed apart and never
--   counted.
-- @column adopted_on: date the General Assembly adopted the Convention (resolution 79/243)
-- @column opened_for_signature_on: first day of the signing ceremony in Hanoi (art. 64)
-- @column signature_open_until: last day the Convention is open for signature at UN Headquarters (art. 64)
-- @column signatories_verified: latest verified number of signatories, including the EU (count)
-- @column signatories_reio_verified: of which regional economic integration organizations (the EU) (count)
-- @column signatory_states_verified: of which States (count)
-- @column signatories_as_of: date of the latest verified signatory count
-- @column signatories_source: source of that count and the facts row it comes from
-- @column ratifications_verified: verified instruments of ratification, acceptance, approval or accession deposited
--   (count; 0 = none recorded in the verified sources, which date from the signing ceremony)
-- @column ratifications_counted_for_entry_into_force: verified State instruments counted under art. 65(1), one per
--   State, REIO instruments excluded (count)
-- @column ratifications_as_of: date up to which verified sources record deposits (the newest verified status source)
-- @column ratifications_required: instruments needed for entry into force under art. 65(1) (count: 40)
-- @column ratifications_still_needed: ratifications_required minus the counted instruments, at least 0 (count)
-- @column entry_into_force_reached: true once 40 verified State instruments are recorded
-- @column fortieth_instrument_deposited_on: deposit date of the 40th counted instrument (null until reached)
-- @column entry_into_force_date: fortieth_instrument_deposited_on + 90 days (null until reached)
-- @column entry_into_force_rule: the art. 65(1) rule as applied here
-- @column unverified_reports: unverified (tertiary) reports, never counted: date or period, figure, source
-- @column secondary_reports: signatory counts (earlier snapshots), signatures and domestic ratification steps seen
--   only in secondary sources, never counted
-- @column events_verified: verified events in the reference (count)
-- @column events_not_verified: secondary or unverified events in the reference (count)
SELECT
    adopted_on, opened_for_signature_on, signature_open_until, signatories_verified, signatories_reio_verified,
    signatory_states_verified, signatories_as_of, signatories_source, ratifications_verified,
    ratifications_counted_for_entry_into_force, ratifications_as_of, ratifications_required,
    ratifications_still_needed, entry_into_force_reached, fortieth_instrument_deposited_on, entry_into_force_date,
    entry_into_force_rule, unverified_reports, secondary_reports, events_verified, events_not_verified
FROM intermediate.int_convention_status
