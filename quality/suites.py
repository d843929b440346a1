"""great-expectations suites, one per raw dataset, built from the catalogue entry.

Expectations run on a frame prepared by quality/gate.py: the raw text columns as delivered,
plus a numeric shadow `num__<col>` for each checked number, where INSEE's secret markers
(`s`, `nd`) and empty cells are missing values, never 0.
"""

from __future__ import annotations

from ingest.catalog import Dataset

SECRET_MARKERS = ("s", "nd")
NUMBER_OR_SECRET = r"^(?:-?[0-9]+(?:\.[0-9]+)?(?:[eE]-?[0-9]+)?|s|nd)$"
COMMUNE_CODE = r"^[0-9][0-9AB][0-9]{3}$"
MEDIAN_BOUNDS = (5_000, 100_000)  # € per consumption unit and year: far outside any French commune


TERRITORY_CODE = r"^(?:[0-9][0-9AB][0-9]{3}|[0-9]{2,3}|[0-9]{9}|FR)$"  # commune, département, region, EPCI, France


def numeric_columns(dataset: Dataset) -> tuple[str, ...]:
    """Every column a staging model reads as a number (the range lists and `numbers` of the catalogue)."""
    tidy_value = ("value",) if dataset.rules else ()
    return tuple(dict.fromkeys(dataset.rates + dataset.positive + dataset.non_negative + dataset.medians + tidy_value
                               + dataset.numbers))


def checked_numbers(dataset: Dataset) -> tuple[str, ...]:
    """The numeric columns the catalogue gives a range or completeness rule (others are only parsed)."""
    return tuple(dict.fromkeys(dataset.rates + dataset.positive + dataset.non_negative + dataset.medians
                               + (("value",) if dataset.rules else ())))


def tidy_expectations(dataset: Dataset) -> list:
    """A long file (geo_level, geo_code, variable, year, value, unit): every variable known, with its
    unit and range; the variables the models read present; the file's own consistency rules (a <= b).
    The frame carries `_rule` (the rule the variable matches) and `_at_most` (the broken a <= b rule)."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    E = gx.expectations
    out = [
        E.ExpectColumnValuesToBeInSet(column="geo_level", value_set=list(dataset.geo_levels)),
        E.ExpectColumnValuesToMatchRegex(column="geo_code", regex=COMMUNE_CODE, row_condition=Column("geo_level") == "COM"),
        E.ExpectColumnValuesToMatchRegex(column="geo_code", regex=TERRITORY_CODE),
        E.ExpectColumnValuesToMatchRegex(column="year", regex=r"^(?:20[0-9]{2})?$"),
        E.ExpectColumnValuesToNotBeNull(column="_rule"),  # a variable no rule knows: renamed, or new
        E.ExpectColumnDistinctValuesToContainSet(column="variable", value_set=list(dataset.required_variables)),
        E.ExpectColumnValuesToBeNull(column="_at_most"),
    ]
    for rule in dataset.rules:
        where = {"row_condition": Column("_rule") == rule.name}
        out.append(E.ExpectColumnValuesToMatchRegex(column="unit", regex=rule.unit, **where))
        if rule.low is not None or rule.high is not None:
            out.append(E.ExpectColumnValuesToBeBetween(column="num__value", min_value=rule.low, max_value=rule.high, **where))
    return out


def expectations(dataset: Dataset, members: list[str] | None) -> list:
    """The suite's expectations. `members` are the territory's commune codes, when known."""
    import great_expectations as gx

    E = gx.expectations
    out: list = [E.ExpectColumnToExist(column=c) for c in dataset.required]
    members = members if dataset.covers_territory else None
    out.append(E.ExpectTableRowCountToBeBetween(min_value=max(dataset.min_rows, len(members or ())), max_value=None))
    if not dataset.key:
        pass  # no natural key (e.g. a register mixing installations and per-commune aggregates)
    elif len(dataset.key) == 1:
        out += [E.ExpectColumnValuesToNotBeNull(column=dataset.key[0]),
                E.ExpectColumnValuesToBeUnique(column=dataset.key[0])]
    else:
        out.append(E.ExpectCompoundColumnsToBeUnique(column_list=list(dataset.key)))
    if dataset.rules:
        out += tidy_expectations(dataset)
    elif dataset.commune_key:
        out.append(E.ExpectColumnValuesToMatchRegex(column=dataset.commune_key, regex=COMMUNE_CODE))
    if dataset.commune_key:
        if members:
            out.append(E.ExpectColumnDistinctValuesToContainSet(column=dataset.commune_key, value_set=members))
    # every cell a model casts, in any column: a number, a secret marker or empty (see gate.validation_frame)
    out.append(E.ExpectColumnValuesToBeNull(column="_bad_cell"))
    out.append(E.ExpectColumnValuesToBeNull(column="_unknown_code"))
    for col in dataset.rates:
        out.append(E.ExpectColumnValuesToBeBetween(column=f"num__{col}", min_value=0, max_value=100))
    for col in dataset.positive:
        out.append(E.ExpectColumnValuesToBeBetween(column=f"num__{col}", min_value=0, strict_min=True))
    for col in dataset.non_negative:
        out.append(E.ExpectColumnValuesToBeBetween(column=f"num__{col}", min_value=0))
    for col in dataset.medians:
        out.append(E.ExpectColumnValuesToBeBetween(column=f"num__{col}", min_value=MEDIAN_BOUNDS[0],
                                                   max_value=MEDIAN_BOUNDS[1]))
    for col in dataset.complete:
        out.append(E.ExpectColumnValuesToNotBeNull(column=f"num__{col}"))
    for col in checked_numbers(dataset):
        # A column of nothing but secrets carries no information: refuse it rather than publish blanks.
        out.append(E.ExpectColumnValuesToNotBeNull(column=f"num__{col}", mostly=0.01))
    return out
