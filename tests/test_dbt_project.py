"""The dbt project as its users know it: documented, layered, contracted, with its exposures."""

import json
import re

import pytest

from orchestration.dbt_project import DBT_PROJECT_DIR, prepare


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(prepare().read_text())


def _layer(node: dict) -> str:
    return node["fqn"][1] if node["resource_type"] == "model" else node["resource_type"]


def test_every_model_seed_and_source_is_described(manifest):
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")]
    undocumented = [n["name"] for n in nodes if not n["description"].strip()]
    undocumented += [s["unique_id"] for s in manifest["sources"].values() if not s["description"].strip()]
    undocumented += [s["source_name"] for s in manifest["sources"].values() if not s["source_description"].strip()]
    assert len(nodes) > 70 and not undocumented, undocumented


def test_layers_read_in_order(manifest):
    """staging reads sources and seeds; intermediate reads staging, intermediate and seeds; marts read
    neither a source nor (intermediate's case) a mart."""
    nodes = manifest["nodes"]
    allowed = {"staging": {"source", "seed", "staging"}, "intermediate": {"staging", "intermediate", "seed"},
               "marts": {"staging", "intermediate", "marts", "seed"}}
    wrong = []
    for node in nodes.values():
        if node["resource_type"] != "model":
            continue
        for parent in node["depends_on"]["nodes"]:
            kind = "source" if parent.startswith("source.") else _layer(nodes[parent])
            if kind not in allowed[_layer(node)]:
                wrong.append(f"{node['name']} ({_layer(node)}) reads {parent} ({kind})")
    assert not wrong, wrong


def test_sources_are_split_by_publisher(manifest):
    names = {s["source_name"] for s in manifest["sources"].values()}
    assert {"insee", "geo", "hmd", "ore", "odre", "pcaet", "services"} <= names and "raw" not in names
    # each source table is still the raw table its Dagster asset lands
    for s in manifest["sources"].values():
        assert s["schema"] == "raw" and s["meta"]["dagster"]["asset_key"] == ["raw", s["identifier"]]


def test_every_mart_has_an_enforced_contract_with_typed_columns(manifest):
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and _layer(n) == "marts"]
    assert len(marts) >= 14
    for node in marts:
        assert node["config"]["contract"]["enforced"], node["name"]
        assert node["columns"] and all(c.get("data_type") for c in node["columns"].values()), node["name"]


def test_exposures_name_what_leaves_the_warehouse(manifest):
    from orchestration.exports import MARTS

    exposures = {e["name"]: {d.split(".")[-1] for d in e["depends_on"]["nodes"]} for e in manifest["exposures"].values()}
    assert exposures["analyst_exports"] == set(MARTS)
    report = (DBT_PROJECT_DIR.parent / "orchestration" / "report.py").read_text()
    assert exposures["published_barometer"] == set(re.findall(r"marts\.(\w+)", report))


def test_generic_tests_live_under_tests_generic():
    assert sorted(p.stem for p in (DBT_PROJECT_DIR / "tests" / "generic").glob("*.sql")) == [
        "accepted_range", "expression_is_true", "row_count_equals", "unique_combination"]
    assert not any("{% test" in p.read_text() for p in (DBT_PROJECT_DIR / "macros").glob("*.sql"))


def test_mart_columns_follow_one_language(manifest):
    """English column names in every mart (indicator identifiers, French as in dim_indicator, may lead a
    pivoted column); the publication gives French headers to readers."""
    from orchestration.publication import PUBLISHED_HEADERS

    french = re.compile(r"(^|_)(annee|valeur|ecart|rang|tendance|cible|couverture|qualite|besoin|disponibilite|bornes|"
                        r"comparaison|citation|volet|evolution|mesure|acquis|objectifs|emplois|taux|part)(_|$)")
    indicators = sorted(re.findall(r"^(\w+),", (DBT_PROJECT_DIR / "seeds" / "indicator_catalogue.csv").read_text(),
                                   re.M)[1:], key=len, reverse=True)

    def own_words(column: str) -> str:  # what the column says besides a leading indicator identifier
        return next((column[len(i):] for i in indicators if column.startswith(i)), column)

    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and _layer(n) == "marts"]
    offending = [f"{n['name']}.{c}" for n in marts for c in n["columns"] if french.search(own_words(c))]
    assert not offending, offending
    barometer = next(n for n in marts if n["name"] == "barometer")
    assert set(PUBLISHED_HEADERS) <= set(barometer["columns"])  # every renamed header exists in the mart
