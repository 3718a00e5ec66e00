"""``flask sims list | describe | run | verify``."""
import csv
import io
import json

from app.simulations import service
from sims import api


def test_list_names_titles_and_versions(runner):
    result = runner.invoke(args=["sims", "list"])
    assert result.exit_code == 0
    for name in api.SCENARIOS:
        assert name in result.output and api.model_version(name) in result.output
    assert "Impacts of teleworking" in result.output


def test_describe_prints_the_parameter_table(runner):
    result = runner.invoke(args=["sims", "describe", "teleworking"])
    assert result.exit_code == 0
    line = next(row for row in result.output.splitlines() if row.startswith("telework_days"))
    assert "2 days" in line and "0 to 5, in steps of 0.5" in line and "Days a week those workers stay home" in line
    assert "Outputs:" in result.output and "reduction_pct" in result.output
    assert runner.invoke(args=["sims", "describe", "nope"]).exit_code == 2


def test_run_prints_the_summary(runner):
    result = runner.invoke(args=["sims", "run", "teleworking", "--param", "telework_days=3", "-p", "car_share=60"])
    assert result.exit_code == 0, result.output
    expected = api.run("teleworking", {"telework_days": 3, "car_share": 60})
    assert expected["model_version"] in result.output
    first = expected["summary"][0]
    line = next(row for row in result.output.splitlines() if row.startswith(first["label"]))
    assert f"{first['value']:,.0f}" in line and first["unit"] in line and f"{first['baseline']:,.0f}" in line


def test_run_csv_and_json(runner):
    as_csv = runner.invoke(args=["sims", "run", "ev_charging", "--csv"])
    assert as_csv.exit_code == 0
    assert as_csv.output.startswith("# ") and "# model: " + api.model_version("ev_charging") in as_csv.output
    rows = list(csv.reader(io.StringIO("\n".join(row for row in as_csv.output.splitlines() if not row.startswith("#")))))
    assert len(rows) > 2 and len(rows[0]) == len(rows[1])
    as_json = runner.invoke(args=["sims", "run", "teleworking", "--json", "--dataset", "synthetic-12"])
    result = json.loads(as_json.output)
    assert result["data_version"].startswith("synthetic-12:") and result["summary"]


def test_bad_parameters_exit_2_with_the_message(runner):
    result = runner.invoke(args=["sims", "run", "teleworking", "--param", "telework_days=8"])
    assert result.exit_code == 2 and "telework_days: must be at most 5 days (got 8.0)" in result.output
    assert runner.invoke(args=["sims", "run", "teleworking", "--param", "oops"]).exit_code == 2
    assert runner.invoke(args=["sims", "run", "teleworking", "--dataset", "synthetic-9999"]).exit_code == 2
    assert runner.invoke(args=["sims", "run", "teleporting"]).exit_code == 2


def test_verify_reruns_a_saved_scenario(runner, make, db):
    student = make.user()
    figures = api.run("teleworking", {})["summary"]
    good, _ = service.save_scenario(student, {"scenario": "teleworking", "title": "Good", "browser_summary": figures})
    bad, _ = service.save_scenario(student, {"scenario": "teleworking", "title": "Bad",
                                             "browser_summary": [{**f, "value": 1} for f in figures]})
    ok = runner.invoke(args=["sims", "verify", str(good.id)])
    assert ok.exit_code == 0 and "verified: the browser's figures match" in ok.output and student.email in ok.output
    not_ok = runner.invoke(args=["sims", "verify", str(bad.id)])
    assert not_ok.exit_code == 1 and "NOT verified" in not_ok.output
    assert runner.invoke(args=["sims", "verify", "9999"]).exit_code == 2
