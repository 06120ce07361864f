import datetime as dt
import re

import pytest
import yaml

from databricks_utils.profiling.findings import RuleProposal
from databricks_utils.profiling.model import ColumnProfile, DatasetProfile, Quantiles, SemanticClass
from databricks_utils.profiling.rules import propose_rules, slugify, support, widen
from databricks_utils.quality import dump_dqx, dump_rules, parse_rules
from databricks_utils.quality.model import NAME_PATTERN


def _col(name, spark_type="string", semantic=SemanticClass.CATEGORICAL, *, count=100, nulls=0, **fields):
    rows = count + nulls
    return ColumnProfile(
        name=name,
        spark_type=spark_type,
        semantic_class=semantic,
        count=count,
        nulls=nulls,
        null_share=nulls / rows if rows else 0.0,
        **fields,
    )


def _profile(*columns, rows=None, sample=None):
    return DatasetProfile(
        row_count=rows if rows is not None else max(c.count + c.nulls for c in columns),
        columns=columns,
        jobs_used=3,
        sample=sample,
    )


def _rules(proposal: RuleProposal, column=None):
    return [r for r in proposal.rules.rules if column is None or r.column == column]


def _checks(proposal, column):
    return {r.check: r for r in _rules(proposal, column)}


def _kinds(proposal, column):
    return {f.kind for f in proposal.findings if f.column == column}


def test_not_null_when_no_nulls_is_an_error_rule_with_evidence_and_confidence():
    proposal = propose_rules(_profile(_col("id", "int", SemanticClass.IDENTIFIER, approx_distinct=100)))
    rule = _checks(proposal, "id")["not_null"]
    assert (rule.name, rule.criticality) == ("id_present", "error")
    assert rule.provenance is not None
    assert rule.provenance.source == "profiler"
    assert rule.provenance.evidence == "nulls 0 of 100 rows"
    assert 0 < rule.provenance.confidence < 1


def test_near_miss_nulls_are_a_finding_not_a_rule():
    proposal = propose_rules(_profile(_col("email", "string", SemanticClass.FREE_TEXT, count=993, nulls=7)))
    assert "not_null" not in _checks(proposal, "email")
    [finding] = [f for f in proposal.findings if f.kind == "near_not_null"]
    assert finding.column == "email"
    assert "0.70%" in finding.evidence


def test_many_nulls_give_neither_rule_nor_near_miss_finding():
    proposal = propose_rules(_profile(_col("note", count=50, nulls=50, semantic=SemanticClass.FREE_TEXT)))
    assert "not_null" not in _checks(proposal, "note")
    assert "near_not_null" not in _kinds(proposal, "note")


def test_unique_from_approximate_distinct_is_warn():
    proposal = propose_rules(_profile(_col("id", "bigint", SemanticClass.IDENTIFIER, approx_distinct=98)))
    rule = _checks(proposal, "id")["unique"]
    assert rule.criticality == "warn"
    assert "approx" in (rule.provenance.evidence or "")


def test_unique_is_an_error_when_exact_top_values_show_every_value_once():
    top = tuple((f"k{i}", 1) for i in range(5))
    column = _col("key", "string", SemanticClass.IDENTIFIER, count=5, approx_distinct=5, top_values=top, empties=0)
    rule = _checks(propose_rules(_profile(column)), "key")["unique"]
    assert rule.criticality == "error"


def test_in_set_only_from_complete_top_values():
    complete = _col(
        "status", count=100, approx_distinct=3, empties=0, top_values=(("open", 50), ("paid", 30), ("void", 20))
    )
    incomplete = _col("city", count=100, approx_distinct=40, empties=0, top_values=(("Paris", 30), ("Rome", 20)))
    proposal = propose_rules(_profile(complete, incomplete))
    rule = _checks(proposal, "status")["in_set"]
    assert rule.arguments["values"] == ["open", "paid", "void"]
    assert rule.criticality == "error"
    assert "complete" in (rule.provenance.evidence or "")
    assert "in_set" not in _checks(proposal, "city")
    assert "high_cardinality" in _kinds(proposal, "city")


def test_in_set_with_a_value_seen_once_is_warn_and_integer_values_stay_numbers():
    column = _col("grade", "int", count=10, approx_distinct=3, top_values=(("1", 6), ("2", 3), ("3", 1)))
    rule = _checks(propose_rules(_profile(column)), "grade")["in_set"]
    assert rule.arguments["values"] == [1, 2, 3]
    assert rule.criticality == "warn"


def test_in_range_is_tolerant_warn_and_contains_the_observed_range():
    quantiles = Quantiles(p01=4.0, p25=20.0, p50=30.0, p75=40.0, p99=90.0)
    column = _col("amount", "double", SemanticClass.MEASURE, min="3.5", max="980.0", quantiles=quantiles, outliers=1)
    proposal = propose_rules(_profile(column))
    rule = _checks(proposal, "amount")["in_range"]
    assert rule.criticality == "warn"
    low, high = rule.arguments["min"], rule.arguments["max"]
    assert low <= 3.5 and high >= 980.0
    assert (low, high) != (3.5, 980.0), "the range must have a margin"
    assert low >= 0, "no negative values seen: the bound keeps the sign"
    assert "widened by 10%" in (rule.provenance.evidence or "")
    assert "outliers" in _kinds(proposal, "amount")


@pytest.mark.parametrize(
    ("low", "high", "integral"),
    [
        ("3.5", "980.0", False),
        ("-12.5", "40", False),
        ("0.3", "0.7", False),
        ("1", "7", True),
        ("5", "5", True),
        ("-1e9", "1e9", False),
        ("0", "0", False),
        ("12.34", "12.35", False),
    ],
)
def test_widen_always_contains_the_observed_range_with_a_margin(low, high, integral):
    result = widen(low, high, integral=integral)
    assert result is not None
    lower, upper, note = result
    assert lower <= float(low) and upper >= float(high)
    assert upper - lower > float(high) - float(low)
    assert note
    if integral:
        assert isinstance(lower, int) and isinstance(upper, int)


def test_widen_refuses_what_is_not_a_finite_number():
    assert widen("abc", "1", integral=False) is None
    assert widen("NaN", "1", integral=False) is None
    assert widen(None, "1", integral=False) is None


def test_never_both_in_set_and_in_range_for_one_column():
    columns = (
        _col(
            "grade",
            "int",
            SemanticClass.CATEGORICAL,
            count=100,
            approx_distinct=3,
            min="1",
            max="3",
            top_values=(("1", 60), ("2", 30), ("3", 10)),
        ),
        _col(
            "amount",
            "double",
            SemanticClass.MEASURE,
            min="1",
            max="9",
            approx_distinct=3,
            top_values=(("1", 60), ("2", 30), ("9", 10)),
        ),
        _col("status", count=100, approx_distinct=2, top_values=(("a", 60), ("b", 40))),
    )
    proposal = propose_rules(_profile(*columns))
    for column in ("grade", "amount", "status"):
        checks = [r.check for r in _rules(proposal, column)]
        assert not ({"in_set", "in_range"} <= set(checks)), column
        assert len(checks) == len(set(checks)), f"one rule per check and column: {checks}"


def test_parseable_date_for_iso_date_strings_only():
    iso = _col(
        "day",
        "string",
        SemanticClass.TEMPORAL,
        inferred_type="date",
        inferred_type_share=1.0,
        min="2024-01-01",
        max="2024-03-31",
    )
    slashes = _col(
        "dmy",
        "string",
        SemanticClass.TEMPORAL,
        inferred_type="date",
        inferred_type_share=1.0,
        min="01/02/2024",
        max="31/01/2024",
    )
    partial = _col(
        "mixed",
        "string",
        SemanticClass.TEMPORAL,
        inferred_type="date",
        inferred_type_share=0.95,
        min="2024-01-01",
        max="oops",
    )
    stamp = _col(
        "ts",
        "string",
        SemanticClass.TEMPORAL,
        inferred_type="timestamp",
        inferred_type_share=1.0,
        min="2024-01-01 10:00:00",
        max="2024-01-02T11:30:00Z",
    )
    proposal = propose_rules(_profile(iso, slashes, partial, stamp))
    assert _checks(proposal, "day")["parseable_date"].criticality == "error"
    assert "parseable_date" not in _checks(proposal, "dmy")
    assert "parseable_date" not in _checks(proposal, "mixed")
    assert "mixed_types" in _kinds(proposal, "mixed")
    assert "parseable_timestamp" in _checks(proposal, "ts")


def test_native_dates_get_a_lower_bound_and_not_in_future_only_with_now():
    column = _col("order_date", "date", SemanticClass.TEMPORAL, min="2024-01-01", max="2024-03-31")
    without = propose_rules(_profile(column))
    floor = _checks(without, "order_date")["in_range"]
    assert floor.arguments == {"min": "2023-12-23"}  # 10 % of 90 days = 9 days before the min
    assert floor.criticality == "warn"
    assert "not_in_future" not in _checks(without, "order_date")
    later = propose_rules(_profile(column), now=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    assert _checks(later, "order_date")["not_in_future"].criticality == "warn"
    earlier = propose_rules(_profile(column), now=dt.datetime(2024, 2, 1, tzinfo=dt.UTC))
    assert "not_in_future" not in _checks(earlier, "order_date")


def test_sentinel_tokens_are_a_finding_with_the_reader_option_and_no_rule():
    column = _col(
        "score",
        "string",
        SemanticClass.MEASURE,
        inferred_type="decimal",
        inferred_type_share=0.9,
        sentinel_tokens=("NA",),
        sentinel_count=10,
        suggested_reader_options={"nullValue": "NA"},
    )
    proposal = propose_rules(_profile(column))
    [finding] = [f for f in proposal.findings if f.kind == "sentinel_nulls"]
    assert "nullValue='NA'" in finding.message
    assert set(_checks(proposal, "score")) == {"not_null"}


def test_uuid_and_email_formats_and_fixed_width_codes():
    uuid = _col(
        "uid",
        "string",
        SemanticClass.IDENTIFIER,
        approx_distinct=100,
        inferred_type="uuid",
        inferred_type_share=1.0,
        empties=0,
    )
    email = _col(
        "mail",
        "string",
        SemanticClass.IDENTIFIER,
        approx_distinct=100,
        inferred_type="email",
        inferred_type_share=1.0,
        empties=0,
    )
    code = _col(
        "sku",
        "string",
        SemanticClass.CATEGORICAL,
        approx_distinct=80,
        empties=0,
        length={"min": 6, "max": 6, "mean": 6.0},
    )
    proposal = propose_rules(_profile(uuid, email, code))
    assert _checks(proposal, "uid")["matches_regex"].criticality == "error"
    assert _checks(proposal, "mail")["matches_regex"].criticality == "warn"
    assert re.fullmatch(_checks(proposal, "mail")["matches_regex"].arguments["pattern"], " a@b.io")
    assert _checks(proposal, "sku")["length_between"].arguments == {"min": 6, "max": 6}
    assert _checks(proposal, "sku")["not_empty"].criticality == "error"


def test_row_count_with_margin_and_only_non_empty_for_a_sample():
    column = _col("id", "int", SemanticClass.IDENTIFIER, approx_distinct=100)
    rule = {r.name: r for r in _rules(propose_rules(_profile(column)))}["dataset_row_count"]
    assert (rule.arguments, rule.criticality) == ({"min": 50, "max": 200}, "warn")
    sampled = {r.name: r for r in _rules(propose_rules(_profile(column, sample="10% of main.s.t")))}
    assert sampled["dataset_row_count"].arguments == {"min": 1}


def test_schema_rule_leaves_nested_columns_out_and_they_get_no_rules():
    nested = _col("tags", "array<string>", SemanticClass.NESTED)
    plain = _col("id", "int", SemanticClass.IDENTIFIER, approx_distinct=100)
    proposal = propose_rules(_profile(nested, plain))
    schema = {r.name: r for r in _rules(proposal)}["dataset_schema"]
    assert schema.arguments["columns"] == {"id": "int"}
    assert _rules(proposal, "tags") == []


def test_empty_dataset_all_null_constant_and_near_unique_findings():
    assert [f.kind for f in propose_rules(_profile(_col("a", count=0), rows=0)).findings] == ["empty_dataset"]
    proposal = propose_rules(
        _profile(
            _col("gone", count=0, nulls=100, semantic=SemanticClass.UNKNOWN),
            _col("one", count=100, approx_distinct=1, top_values=(("x", 100),)),
            _col("almost", count=100, approx_distinct=92, semantic=SemanticClass.CATEGORICAL),
        )
    )
    assert "all_null" in _kinds(proposal, "gone")
    assert "constant" in _kinds(proposal, "one")
    assert "near_unique" in _kinds(proposal, "almost")


def test_names_are_unique_identifiers_for_awkward_column_names():
    columns = [
        _col(name, "int", SemanticClass.IDENTIFIER, approx_distinct=100)
        for name in ("Order Id", "order_id", "order-id", "数量", "€", "2nd", "dataset")
    ]
    proposal = propose_rules(_profile(*columns))
    names = [r.name for r in proposal.rules.rules]
    assert len(names) == len(set(names))
    assert all(re.match(NAME_PATTERN, n) for n in names)
    assert {r.column for r in proposal.rules.rules if r.check == "not_null"} == {c.name for c in columns}


def test_slugify_and_support():
    assert slugify("Order Date (UTC)") == "order_date_utc"
    assert slugify("数量") == ""
    assert slugify("2nd") == "c_2nd"
    assert support(0) == 0.0
    assert support(30) == 0.5
    assert 0.97 < support(1000) < 1


def test_deterministic_and_every_confidence_in_unit_interval():
    profile = _profile(
        _col("id", "int", SemanticClass.IDENTIFIER, approx_distinct=100),
        _col("status", count=100, approx_distinct=2, top_values=(("a", 60), ("b", 40)), empties=0),
        _col("amount", "decimal(10,2)", SemanticClass.MEASURE, min="0.50", max="99.99"),
    )
    first, second = propose_rules(profile, dataset="main.s.t"), propose_rules(profile, dataset="main.s.t")
    assert first == second
    for rule in first.rules.rules:
        assert rule.provenance is not None
        assert 0 <= (rule.provenance.confidence or 0) <= 1
        assert rule.provenance.evidence
        assert rule.metadata == {"dataset": "main.s.t"}


def test_exports_ours_and_dqx():
    profile = _profile(
        _col("id", "int", SemanticClass.IDENTIFIER, approx_distinct=100),
        _col("status", count=100, approx_distinct=2, top_values=(("a", 60), ("b", 40)), empties=0),
        _col("amount", "double", SemanticClass.MEASURE, min="1.5", max="99.5"),
    )
    ruleset = propose_rules(profile).rules
    assert parse_rules(dump_rules(ruleset)) == ruleset
    checks = yaml.safe_load(dump_dqx(ruleset))
    assert {c["name"] for c in checks} >= {"id_present", "status_allowed_values", "amount_in_range"}


# -- on real data --------------------------------------------------------------------------------------

ORDERS_SCHEMA = (
    "order_id int, customer string, amount double, status string, order_date date, score string, coupon string"
)


def _orders(frame):
    statuses = ["shipped", "open", "cancelled", "returned"]
    rows = []
    for i in range(150):
        amount = 5000.0 if i == 77 else round(10 + (i * 37 % 90) + (i % 7) * 0.25, 2)
        rows.append(
            (
                1000 + i,
                f"C{i % 40:03d}",
                amount,
                statuses[i % 4] if i % 10 else "shipped",
                dt.date(2024, 1, 1) + dt.timedelta(days=i % 60),
                "NA" if i % 15 == 0 else f"{(i % 10) / 2:.1f}",
                None if i == 3 else f"WELCOME{i % 3}",
            )
        )
    return frame(rows, ORDERS_SCHEMA)


@pytest.mark.spark
def test_proposed_rules_hold_on_the_profiled_data(frame):
    from databricks_utils.profiling import profile_dataframe
    from databricks_utils.quality import apply_rules

    orders = _orders(frame)
    profile = profile_dataframe(orders)
    proposal = propose_rules(profile, dataset="main.sales.orders", now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    result = apply_rules(orders, proposal.rules, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    summary = result.summary()

    assert summary.quarantined_rows == 0, result.quarantine.select("_errors").limit(5).collect()
    assert summary.warned_rows == 0
    assert summary.dataset_checks_failed == []
    checks = {(r.column, r.check) for r in proposal.rules.rules}
    assert {("order_id", "not_null"), ("order_id", "unique"), ("amount", "in_range")} <= checks
    assert ("status", "in_set") in checks
    assert ("order_date", "not_in_future") in checks
    # The near miss: 1 null in 150 rows is a finding, not a rule.
    assert ("coupon", "not_null") not in checks
    assert "near_not_null" in _kinds(proposal, "coupon")
    assert "sentinel_nulls" in _kinds(proposal, "score")
    assert "outliers" in _kinds(proposal, "amount")
    for column in {r.column for r in proposal.rules.rules}:
        column_checks = [r.check for r in proposal.rules.rules if r.column == column]
        assert not ({"in_set", "in_range"} <= set(column_checks))


@pytest.mark.spark
def test_rules_hold_for_awkward_column_names(frame):
    from databricks_utils.profiling import profile_dataframe
    from databricks_utils.quality import apply_rules

    df = frame(
        [(i, f"{'ab'[i % 2]}", f"2024-02-{1 + i % 28:02d}") for i in range(40)],
        "`Order Id` int, `état` string, `day text` string",
    )
    proposal = propose_rules(profile_dataframe(df))
    assert ("day text", "parseable_date") in {(r.column, r.check) for r in proposal.rules.rules}
    summary = apply_rules(df, proposal.rules).summary()
    assert summary.quarantined_rows == 0
    assert summary.dataset_checks_failed == []


def test_a_composite_candidate_key_becomes_a_warn_unique_rule_only_without_a_single_key():
    from databricks_utils.profiling.model import CandidateKey

    store, day = _col("store", approx_distinct=4), _col("day", "date", SemanticClass.TEMPORAL, approx_distinct=10)
    composite = _profile(store, day).model_copy(
        update={"candidate_keys": (CandidateKey(columns=("store", "day"), approx_distinct=100),)}
    )
    [rule] = [r for r in propose_rules(composite).rules.rules if r.check == "unique"]
    assert (rule.name, rule.columns, rule.criticality) == ("store_day_unique", ["store", "day"], "warn")
    assert "approx distinct (store, day) = 100 of 100 rows" in rule.provenance.evidence
    with_single = composite.model_copy(
        update={"candidate_keys": (CandidateKey(columns=("id",), approx_distinct=100), *composite.candidate_keys)}
    )
    assert not [r for r in propose_rules(with_single).rules.rules if r.columns]
