from __future__ import annotations

import asyncio
import threading

import pytest

from databricks_utils.logging import (
    DATABRICKS_ENV_FIELDS,
    configure_logging,
    current_context,
    databricks_ids,
    get_logger,
    log_context,
)


def test_nested_contexts_merge_inner_wins_and_restore_on_exit() -> None:
    with log_context(pipeline="orders", step="extract"):
        with log_context(step="load", batch=3) as inner:
            assert dict(inner) == {"pipeline": "orders", "step": "load", "batch": 3}
            assert current_context() == inner
        assert dict(current_context()) == {"pipeline": "orders", "step": "extract"}
    assert dict(current_context()) == {}


def test_context_is_restored_when_the_block_raises() -> None:
    with log_context(a=1), pytest.raises(ValueError, match="boom"), log_context(a=2):
        raise ValueError("boom")
    assert dict(current_context()) == {}


def test_context_fields_are_read_only() -> None:
    with log_context(a=1) as fields, pytest.raises(TypeError):
        fields["a"] = 2  # type: ignore[index]  # mutation is what must fail


def test_log_context_as_decorator_enters_a_fresh_scope_per_call() -> None:
    @log_context(step="transform")
    def step() -> dict[str, object]:
        return dict(current_context())

    with log_context(run="r1"):
        assert step() == {"run": "r1", "step": "transform"}
    assert step() == {"step": "transform"}
    assert dict(current_context()) == {}


def test_context_appears_in_json_lines(stream, json_lines) -> None:
    configure_logging(stream=stream)
    logger = get_logger("orders")

    with log_context(table="orders", batch=3, dry_run=False):
        logger.info("inside")
    logger.info("outside")

    inside, outside = json_lines()
    assert inside["context"] == {"table": "orders", "batch": 3, "dry_run": False}
    assert outside["context"] == {}


def test_threads_do_not_share_context(stream, json_lines) -> None:
    configure_logging(stream=stream)
    logger = get_logger("orders")
    both_inside = threading.Barrier(2, timeout=10)
    seen: dict[str, dict[str, object]] = {}

    def worker() -> None:
        seen["start"] = dict(current_context())
        with log_context(worker="w1"):
            both_inside.wait()  # the main thread is inside its own scope right now
            logger.info("from worker")
            both_inside.wait()

    thread = threading.Thread(target=worker)
    with log_context(worker="main"):
        thread.start()
        both_inside.wait()
        both_inside.wait()  # the worker has logged
        logger.info("from main")
    thread.join(timeout=10)

    assert seen["start"] == {}
    contexts = {line["message"]: line["context"] for line in json_lines()}
    assert contexts == {"from worker": {"worker": "w1"}, "from main": {"worker": "main"}}


def test_asyncio_tasks_do_not_share_context(stream, json_lines) -> None:
    configure_logging(stream=stream)
    logger = get_logger("orders")

    async def task(name: str, entered: asyncio.Event, other_entered: asyncio.Event) -> None:
        with log_context(task=name):
            entered.set()
            await other_entered.wait()  # both scopes are open at once, interleaved on one thread
            logger.info("from %s", name)

    async def main() -> None:
        first, second = asyncio.Event(), asyncio.Event()
        with log_context(parent="main"):
            await asyncio.gather(task("a", first, second), task("b", second, first))
        logger.info("from main")

    asyncio.run(main())

    contexts = {line["message"]: line["context"] for line in json_lines()}
    assert contexts == {
        "from a": {"parent": "main", "task": "a"},
        "from b": {"parent": "main", "task": "b"},
        "from main": {},
    }


def test_databricks_ids_maps_every_documented_variable() -> None:
    environ = {
        "DATABRICKS_JOB_ID": "42",
        "DATABRICKS_JOB_RUN_ID": "1001",
        "DATABRICKS_TASK_KEY": "load_orders",
        "DATABRICKS_CLUSTER_ID": "0101-abc",
        "DATABRICKS_RUNTIME_VERSION": "16.4",
        "DATABRICKS_HOST": "https://example",
    }

    assert databricks_ids(environ) == {
        "job_id": "42",
        "run_id": "1001",
        "task_key": "load_orders",
        "cluster_id": "0101-abc",
        "runtime_version": "16.4",
    }
    assert set(DATABRICKS_ENV_FIELDS.values()) == set(databricks_ids(environ))


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"DATABRICKS_RUN_ID": "7"}, {"run_id": "7"}),
        ({"DATABRICKS_RUN_ID": "7", "DATABRICKS_JOB_RUN_ID": "8"}, {"run_id": "8"}),
        ({"DATABRICKS_JOB_RUN_ID": "", "DATABRICKS_RUN_ID": "7"}, {"run_id": "7"}),
        ({"DATABRICKS_JOB_ID": ""}, {}),
    ],
)
def test_databricks_run_id_precedence_and_empty_values(environ, expected) -> None:
    assert databricks_ids(environ) == expected


def test_databricks_ids_are_read_from_the_environment_at_configure_time(monkeypatch, stream, json_lines) -> None:
    monkeypatch.setenv("DATABRICKS_JOB_ID", "42")
    monkeypatch.setenv("DATABRICKS_RUN_ID", "1001")
    monkeypatch.setenv("DATABRICKS_TASK_KEY", "load_orders")
    monkeypatch.setenv("DATABRICKS_CLUSTER_ID", "0101-abc")
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "16.4")
    configure_logging(stream=stream)
    monkeypatch.setenv("DATABRICKS_JOB_ID", "changed-after-configure")

    with log_context(task_key="override"):
        get_logger("orders").info("on a cluster")

    assert json_lines()[0]["context"] == {
        "job_id": "42",
        "run_id": "1001",
        "task_key": "override",
        "cluster_id": "0101-abc",
        "runtime_version": "16.4",
    }
