# English numbers: 116,301 and 0.5 (Django's defaults for "en", stated here so both languages of the
# portal are defined in one place next to each other).
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
