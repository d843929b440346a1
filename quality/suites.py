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


def numeric_columns(dataset: Dataset) -> tuple[str, ...]:
    return tuple(dict.fromkeys(dataset.rates + dataset.positive + dataset.non_negative + dataset.medians))


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
    if dataset.commune_key:
        out.append(E.ExpectColumnValuesToMatchRegex(column=dataset.commune_key, regex=COMMUNE_CODE))
        if members:
            out.append(E.ExpectColumnDistinctValuesToContainSet(column=dataset.commune_key, value_set=members))
    for col in numeric_columns(dataset):
        out.append(E.ExpectColumnValuesToMatchRegex(column=col, regex=NUMBER_OR_SECRET))
    for col in dataset.rates:
        out.append(E.ExpectColumnValuesToBeBetween(column=f"num__{col}", min_value=0, max_value=100))
    for col in dataset.positive:
        out.append(E.ExpectColumnValuesToBeBetween(column=f"num__{col}", min_value=0, strict_min=True))
    for col in dataset.non_negative:
        out.append(E.ExpectColumnValuesToBeBetween(column=f"num__{col}", min_value=0))
    for col in dataset.medians:
        out.append(E.ExpectColumnValuesToBeBetween(column=f"num__{col}", min_value=MEDIAN_BOUNDS[0],
                                                   max_value=MEDIAN_BOUNDS[1]))
    for col in numeric_columns(dataset):
        # A column of nothing but secrets carries no information: refuse it rather than publish blanks.
        out.append(E.ExpectColumnValuesToNotBeNull(column=f"num__{col}", mostly=0.01))
    return out
