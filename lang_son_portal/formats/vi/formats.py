# Vietnamese numbers: 116.301 and 0,5 (TCVN / government documents). Django's own Vietnamese
# locale sets both separators but no NUMBER_GROUPING, so with USE_THOUSAND_SEPARATOR it still
# printed 116301; grouping by 3 is what makes the separator appear (templates, intcomma).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
