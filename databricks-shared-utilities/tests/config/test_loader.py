"""ConfigLoader: layer precedence, merging, environment choice, config folder discovery, caching."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from databricks_utils.config import ConfigLoader, ProjectConfig, load_config
from databricks_utils.errors.exceptions import ConfigError

Write = Callable[[str, str], Path]

PROJECT = """
    name: orders
    spark:
      master: local[2]
      shuffle_partitions: 6
      delta: false
    catalog:
      catalog: main
      schema: sales
    params:
      tables: [a, b]
      source_path: /data/in
"""


@pytest.fixture
def project(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with config/project.yaml, used as the working directory."""
    write("project.yaml", PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- precedence: each layer beats the one below -------------------------------------------------


def test_defaults_apply_when_no_layer_sets_a_key(project: Path) -> None:
    cfg = ConfigLoader("config", environ={}).load("dev")
    assert cfg.observability.log_level == "INFO"
    assert cfg.spark.mode == "auto"


def test_project_yaml_beats_defaults(project: Path) -> None:
    cfg = ConfigLoader("config", environ={}).load("dev")
    assert cfg.name == "orders"
    assert cfg.spark.shuffle_partitions == 6


def test_env_yaml_beats_project_yaml(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  shuffle_partitions: 3\n")
    assert ConfigLoader("config", environ={}).load("dev").spark.shuffle_partitions == 3
    assert ConfigLoader("config", environ={}).load("prod").spark.shuffle_partitions == 6


def test_extra_files_beat_env_yaml_in_order(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  shuffle_partitions: 3\n")
    write("a.yaml", "spark:\n  shuffle_partitions: 5\n  master: local[3]\n")
    write("b.yaml", "spark:\n  shuffle_partitions: 7\n")
    cfg = ConfigLoader("config", environ={}, extra_files=["a.yaml", "b.yaml"]).load("dev")
    assert (cfg.spark.shuffle_partitions, cfg.spark.master) == (7, "local[3]")


def test_local_yaml_beats_env_yaml_and_extra_files(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  shuffle_partitions: 3\n")
    write("extra.yaml", "spark:\n  shuffle_partitions: 5\n")
    write("dev.local.yaml", "spark:\n  shuffle_partitions: 9\n")
    assert ConfigLoader("config", environ={}, extra_files=["extra.yaml"]).load("dev").spark.shuffle_partitions == 9


def test_environment_variable_beats_local_yaml(project: Path, write: Write) -> None:
    write("dev.local.yaml", "spark:\n  shuffle_partitions: 9\n")
    cfg = ConfigLoader("config", environ={"DBX_SPARK__SHUFFLE_PARTITIONS": "8"}).load("dev")
    assert cfg.spark.shuffle_partitions == 8


def test_argument_beats_environment_variable(project: Path) -> None:
    loader = ConfigLoader("config", environ={"DBX_SPARK__SHUFFLE_PARTITIONS": "8"})
    assert loader.load("dev", overrides={"spark.shuffle_partitions": 2}).spark.shuffle_partitions == 2


def test_absolute_extra_file_outside_the_config_folder(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "team.yaml"
    outside.write_text("owner: team-a\n", encoding="utf-8")
    assert ConfigLoader("config", environ={}, extra_files=[outside]).load("dev").owner == "team-a"


# --- merging ------------------------------------------------------------------------------------


def test_mappings_merge_deeply_and_lists_replace(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  master: local[1]\nparams:\n  tables: [c]\n")
    cfg = ConfigLoader("config", environ={}).load("dev")
    assert cfg.spark.master == "local[1]"
    assert cfg.spark.delta is False  # sibling from project.yaml kept
    assert cfg.params == {"tables": ["c"], "source_path": "/data/in"}


def test_dict_defaults_merge_with_file_entries(project: Path, write: Write) -> None:
    write("dev.yaml", "observability:\n  quiet_loggers:\n    myapp: ERROR\n")
    loggers = ConfigLoader("config", environ={}).load("dev").observability.quiet_loggers
    assert loggers == {"py4j": "WARNING", "pyspark": "WARNING", "urllib3": "WARNING", "myapp": "ERROR"}


def test_null_resets_a_key_to_its_default(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  shuffle_partitions: null\n  delta: ~\ncatalog:\n  schema:\n")
    cfg = ConfigLoader("config", environ={}).load("dev")
    assert (cfg.spark.shuffle_partitions, cfg.spark.delta, cfg.catalog.schema_name) == (4, True, "default")


def test_null_removes_a_key_without_default(project: Path, write: Write) -> None:
    write("dev.yaml", "params:\n  source_path: null\n")
    assert ConfigLoader("config", environ={}).load("dev").params == {"tables": ["a", "b"]}


def test_null_resets_a_whole_section(project: Path, write: Write) -> None:
    write("dev.yaml", "spark: null\n")
    assert ConfigLoader("config", environ={}).load("dev").spark.shuffle_partitions == 4


def test_null_from_environment_variable_resets(project: Path) -> None:
    cfg = ConfigLoader("config", environ={"DBX_SPARK__MASTER": "null"}).load("dev")
    assert cfg.spark.master == "local[2]"


def test_field_name_and_alias_are_the_same_key(project: Path, write: Write) -> None:
    write("dev.yaml", "catalog:\n  schema_name: sales_dev\n")
    assert ConfigLoader("config", environ={}).load("dev").catalog.schema_name == "sales_dev"


# --- call-time overrides ------------------------------------------------------------------------


def test_dotted_and_nested_overrides_combine(project: Path) -> None:
    cfg = ConfigLoader("config", environ={}).load(
        "dev", overrides={"spark.master": "local[1]", "spark": {"app_name": "t"}, "catalog.schema": "x"}
    )
    assert (cfg.spark.master, cfg.spark.app_name, cfg.catalog.schema_name) == ("local[1]", "t", "x")


def test_dotted_override_of_a_spark_conf_key_keeps_its_dots(project: Path) -> None:
    cfg = ConfigLoader("config", environ={}).load("dev", overrides={"spark.conf.spark.sql.ansi.enabled": True})
    assert cfg.spark.conf == {"spark.sql.ansi.enabled": "true"}


def test_dotted_override_into_params_nests(project: Path) -> None:
    cfg = ConfigLoader("config", environ={}).load("dev", overrides={"params.window.days": 7})
    assert cfg.params["window"] == {"days": 7}


def test_override_set_twice_is_an_error(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"'spark\.master' is set twice"):
        ConfigLoader("config", environ={}).load("dev", overrides={"spark.master": "a", "spark": {"master": "b"}})


def test_override_key_must_be_a_string(project: Path) -> None:
    with pytest.raises(ConfigError, match="is not a non-empty string"):
        ConfigLoader("config", environ={}).load("dev", overrides={"": 1})


def test_unknown_override_key_names_the_argument(project: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ={}).load("dev", overrides={"spark.mastr": "x"})
    assert str(caught.value) == "argument: unknown key 'spark.mastr' (did you mean 'master'?)"


# --- environment variables ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "attribute", "expected"),
    [
        ("DBX_SPARK__SHUFFLE_PARTITIONS", "8", ("spark", "shuffle_partitions"), 8),
        ("DBX_SPARK__DELTA", "true", ("spark", "delta"), True),
        ("DBX_SPARK__HEALTH_CHECK_INTERVAL_S", "2.5", ("spark", "health_check_interval_s"), 2.5),
        ("DBX_CATALOG__SCHEMA", "0123", ("catalog", "schema_name"), "0123"),  # text field keeps the text
        ("DBX_SPARK__MASTER", "local[*]", ("spark", "master"), "local[*]"),
        ("DBX_OBSERVABILITY__LOG_LEVEL", "debug", ("observability", "log_level"), "DEBUG"),
    ],
)
def test_environment_values_are_typed_by_yaml_unless_the_field_is_text(
    project: Path, name: str, raw: str, attribute: tuple[str, str], expected: object
) -> None:
    cfg = ConfigLoader("config", environ={name: raw}).load("dev")
    assert getattr(getattr(cfg, attribute[0]), attribute[1]) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[a, b]", ["a", "b"]),
        ("{x: 1}", {"x": 1}),
        ("42", 42),
        ("yes please", "yes please"),
        ("[unclosed", "[unclosed"),  # invalid YAML: the raw text
        ("2024-01-31", "2024-01-31"),  # a YAML date is not plain data: the raw text
        ("", ""),
        ("#not-a-comment", "#not-a-comment"),
    ],
)
def test_environment_values_for_free_form_params(project: Path, raw: str, expected: object) -> None:
    cfg = ConfigLoader("config", environ={"DBX_PARAMS__VALUE": raw}).load("dev")
    assert cfg.params["value"] == expected


def test_environment_variable_parts_are_case_insensitive(project: Path, write: Write) -> None:
    write("dev.yaml", "params:\n  sourcePath: /from/file\n")
    environ = {"dbx_Spark__Master": "local[1]", "DBX_PARAMS__SOURCEPATH": "/from/env", "DBX_PARAMS__NEW_KEY": "v"}
    cfg = ConfigLoader("config", environ=environ).load("dev")
    assert cfg.spark.master == "local[1]"
    assert cfg.params["sourcePath"] == "/from/env"  # matched the key the file already has
    assert cfg.params["new_key"] == "v"


def test_environment_flow_mapping_merges_into_a_section(project: Path) -> None:
    cfg = ConfigLoader("config", environ={"DBX_SPARK": "{master: 'local[1]'}"}).load("dev")
    assert (cfg.spark.master, cfg.spark.shuffle_partitions) == ("local[1]", 6)


def test_env_and_config_dir_variables_are_not_overrides(project: Path) -> None:
    cfg = ConfigLoader("config", environ={"DBX_ENV": "prod", "DBX_CONFIG_DIR": "config"}).load()
    assert cfg.env == "prod"


def test_custom_prefix_renames_all_variables(project: Path, write: Write) -> None:
    write("lab.yaml", "owner: lab-team\n")
    environ = {"ORDERS_ENV": "lab", "ORDERS_SPARK__MASTER": "local[1]", "DBX_SPARK__MASTER": "ignored"}
    cfg = ConfigLoader("config", env_prefix="ORDERS_", environ=environ).load()
    assert (cfg.env, cfg.owner, cfg.spark.master) == ("lab", "lab-team", "local[1]")


def test_empty_prefix_is_rejected(project: Path) -> None:
    with pytest.raises(ConfigError, match="env_prefix is empty"):
        ConfigLoader("config", env_prefix="", environ={})


def test_two_variables_for_the_same_key_are_an_error(project: Path) -> None:
    environ = {"DBX_SPARK": "{master: a}", "DBX_SPARK__MASTER": "b"}
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ=environ).load("dev")
    assert str(caught.value) == (
        "env DBX_SPARK__MASTER: 'spark.master' is also set by env DBX_SPARK. Fix: unset one of the two variables."
    )


def test_variable_with_an_empty_part_is_an_error(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"env DBX_SPARK____MASTER: empty key name .* Fix: rename it"):
        ConfigLoader("config", environ={"DBX_SPARK____MASTER": "x"}).load("dev")


def test_unknown_key_from_an_environment_variable_names_the_variable(project: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ={"DBX_SPARK__SHUFFLE_PARTITION": "8"}).load("dev")
    assert str(caught.value) == (
        "env DBX_SPARK__SHUFFLE_PARTITION: unknown key 'spark.shuffle_partition' (did you mean 'shuffle_partitions'?)"
    )


def test_os_environ_is_the_default_source(project: Path, clean_environ: pytest.MonkeyPatch) -> None:
    clean_environ.setenv("DBX_SPARK__SHUFFLE_PARTITIONS", "11")
    clean_environ.setenv("DBX_ENV", "lab")
    cfg = ConfigLoader("config").load()
    assert (cfg.env, cfg.spark.shuffle_partitions) == ("lab", 11)


# --- environment choice -------------------------------------------------------------------------


def test_env_defaults_to_local(project: Path) -> None:
    cfg = ConfigLoader("config", environ={}).load()
    assert cfg.env == "local"
    assert cfg.environment.is_local


def test_env_comes_from_dbx_env_and_is_case_insensitive(project: Path, write: Write) -> None:
    write("prod.yaml", "owner: ops\n")
    cfg = ConfigLoader("config", environ={"DBX_ENV": "PROD"}).load()
    assert (cfg.env, cfg.owner, cfg.is_production) == ("prod", "ops", True)


def test_env_argument_beats_dbx_env(project: Path) -> None:
    assert ConfigLoader("config", environ={"DBX_ENV": "prod"}).load("lab").env == "lab"


def test_file_may_repeat_the_loaded_environment_name(project: Path, write: Write) -> None:
    write("dev.yaml", "environment:\n  name: dev\n")
    assert ConfigLoader("config", environ={}).load("dev").env == "dev"


def test_environment_section_must_be_a_mapping(project: Path, write: Write) -> None:
    write("dev.yaml", "environment: dev\n")
    with pytest.raises(ConfigError, match=r"dev\.yaml:1: environment must be a mapping"):
        ConfigLoader("config", environ={}).load("dev")


# --- config folder discovery --------------------------------------------------------------------


def test_config_folder_is_found_upward_from_a_subfolder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = project / "notebooks" / "exploration"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    loader = ConfigLoader(environ={})
    assert loader.config_dir == (project / "config").resolve()
    assert loader.load().name == "orders"
    assert "config_dir='../../config'" in repr(loader)


def test_config_folder_from_dbx_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "settings"
    elsewhere.mkdir()
    (elsewhere / "project.yaml").write_text("name: from-var\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert ConfigLoader(environ={"DBX_CONFIG_DIR": str(elsewhere)}).load().name == "from-var"


def test_argument_beats_dbx_config_dir(project: Path, tmp_path: Path) -> None:
    loader = ConfigLoader("config", environ={"DBX_CONFIG_DIR": str(tmp_path / "missing")})
    assert loader.load().name == "orders"


def test_no_config_folder_means_defaults_and_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    loader = ConfigLoader(environ={"DBX_NAME": "bare"})
    assert loader.config_dir is None
    cfg = loader.load("dev")
    assert (cfg.name, cfg.env, cfg.spark.shuffle_partitions) == ("bare", "dev", 4)
    assert repr(loader) == "ConfigLoader(config_dir=None, env_prefix='DBX_')"


def test_extra_files_without_a_config_folder_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "settings.yaml").write_text("owner: me\n", encoding="utf-8")
    assert ConfigLoader(environ={}, extra_files=["settings.yaml"]).load().owner == "me"


def test_load_config_convenience(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  master: local[1]\n")
    cfg = load_config("dev", config_dir="config", overrides={"owner": "me"})
    assert (cfg.spark.master, cfg.owner) == ("local[1]", "me")
    assert isinstance(load_config(), ProjectConfig)  # found by searching from the working directory


# --- caching ------------------------------------------------------------------------------------


def _bump(path: Path, text: str) -> None:
    """Rewrite a file and move its mtime forward: deterministic on coarse-timestamp file systems."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_cache_hit_returns_the_identical_object(project: Path) -> None:
    environ: dict[str, str] = {}
    first = ConfigLoader("config", environ=environ).load("dev")
    assert ConfigLoader("config", environ=environ).load("dev") is first  # shared across loaders
    assert ConfigLoader("config", environ={}).load("dev") is not first  # another mapping, another entry


def test_cache_is_per_env_and_overrides(project: Path) -> None:
    loader = ConfigLoader("config", environ={})
    assert loader.load("dev") is not loader.load("prod")
    one = loader.load("dev", overrides={"params.x": 1})
    assert loader.load("dev", overrides={"params.x": 1}) is one
    assert loader.load("dev", overrides={"params.x": True}).params["x"] is True  # 1 == True, yet distinct
    assert loader.load("dev", overrides={"params.x": [1, {"y": {2}}]}).params["x"] == [1, {"y": {2}}]


def test_editing_a_file_invalidates(project: Path, write: Write) -> None:
    dev = write("dev.yaml", "spark:\n  shuffle_partitions: 3\n")
    loader = ConfigLoader("config", environ={})
    first = loader.load("dev")
    _bump(dev, "spark:\n  shuffle_partitions: 5\n")
    second = loader.load("dev")
    assert (first.spark.shuffle_partitions, second.spark.shuffle_partitions) == (3, 5)


def test_a_new_local_file_invalidates(project: Path, write: Write) -> None:
    loader = ConfigLoader("config", environ={})
    first = loader.load("dev")
    write("dev.local.yaml", "spark:\n  shuffle_partitions: 1\n")
    assert loader.load("dev") is not first
    assert loader.load("dev").spark.shuffle_partitions == 1


def test_a_deleted_file_invalidates(project: Path, write: Write) -> None:
    local = write("dev.local.yaml", "spark:\n  shuffle_partitions: 1\n")
    loader = ConfigLoader("config", environ={})
    assert loader.load("dev").spark.shuffle_partitions == 1
    local.unlink()
    assert loader.load("dev").spark.shuffle_partitions == 6


def test_changing_a_read_variable_invalidates(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  master: ${MASTER}\n")
    environ = {"MASTER": "local[1]", "DBX_SPARK__SHUFFLE_PARTITIONS": "2"}
    loader = ConfigLoader("config", environ=environ)
    first = loader.load("dev")
    environ["MASTER"] = "local[3]"
    assert loader.load("dev").spark.master == "local[3]"
    environ["DBX_SPARK__SHUFFLE_PARTITIONS"] = "7"
    assert loader.load("dev").spark.shuffle_partitions == 7
    assert first.spark.master == "local[1]"  # the old object is unchanged (frozen)


def test_setting_a_new_override_variable_invalidates(project: Path, clean_environ: pytest.MonkeyPatch) -> None:
    loader = ConfigLoader("config")
    first = loader.load("dev")
    assert loader.load("dev") is first
    clean_environ.setenv("DBX_SPARK__SHUFFLE_PARTITIONS", "12")
    assert loader.load("dev").spark.shuffle_partitions == 12


def test_changing_dbx_env_switches_environment(project: Path, clean_environ: pytest.MonkeyPatch) -> None:
    clean_environ.setenv("DBX_ENV", "dev")
    loader = ConfigLoader("config")
    assert loader.load().env == "dev"
    clean_environ.setenv("DBX_ENV", "prod")
    assert loader.load().env == "prod"


def test_reload_bypasses_the_cache(project: Path) -> None:
    loader = ConfigLoader("config", environ={})
    first = loader.load("dev")
    again = loader.load("dev", reload=True)
    assert again is not first
    assert again == first
    assert loader.load("dev") is again  # the reloaded result replaced the entry


def test_clear_cache_forgets_everything(project: Path) -> None:
    loader = ConfigLoader("config", environ={})
    first = loader.load("dev")
    ConfigLoader.clear_cache()
    assert loader.load("dev") is not first


def test_cache_keeps_a_bounded_number_of_entries(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ConfigLoader, "_cache_size", 2)
    loader = ConfigLoader("config", environ={})
    local = loader.load("local")
    loader.load("dev")
    loader.load("lab")
    assert len(ConfigLoader._cache) == 2
    assert loader.load("local") is not local  # the oldest entry was dropped


def test_failed_load_is_not_cached(project: Path, write: Write) -> None:
    dev = write("dev.yaml", "spark:\n  shuffle_partitions: many\n")
    loader = ConfigLoader("config", environ={})
    with pytest.raises(ConfigError):
        loader.load("dev")
    _bump(dev, "spark:\n  shuffle_partitions: 2\n")
    assert loader.load("dev").spark.shuffle_partitions == 2


def test_concurrent_loads_get_equal_configs(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  master: local[1]\n")
    loader = ConfigLoader("config", environ={})
    barrier = threading.Barrier(16)
    results: list[ProjectConfig] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.extend(loader.load("dev") for _ in range(20))
        except BaseException as err:  # pragma: no cover - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 16 * 20
    assert all(cfg == results[0] for cfg in results)
    assert len({id(cfg) for cfg in results}) == 1  # misses are built under the lock: one build
