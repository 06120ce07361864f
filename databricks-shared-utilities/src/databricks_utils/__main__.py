"""``databricks-utils``: install the Delta jars, inspect config, run a Spark Connect server, check setup and bundles.

Errors print one line to stderr and exit 1; usage errors exit 2 (argparse); ``--verbose`` adds tracebacks.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence

from databricks_utils.errors.exceptions import DatabricksUtilsError

Command = Callable[[argparse.Namespace], int]


def _install_delta(args: argparse.Namespace) -> int:
    from databricks_utils.spark.delta import install_jars, installed_artifact

    jars = install_jars(force=args.force, repository=args.repository)
    artifact = installed_artifact()
    print(f"Delta Lake jars for {artifact.coordinate if artifact else '?'}: {len(jars)} files in {jars[0].parent}")
    return 0


def _config_show(args: argparse.Namespace) -> int:
    from databricks_utils.config.loader import ConfigLoader

    config = ConfigLoader(args.config_dir).load(args.env)
    print(json.dumps(config.model_dump(mode="json", by_alias=True), indent=2, sort_keys=True))
    return 0


def _config_explain(args: argparse.Namespace) -> int:
    from databricks_utils.config.loader import ConfigLoader

    print(ConfigLoader(args.config_dir).explain(args.env).to_text())
    return 0


def _connect_server(args: argparse.Namespace) -> int:
    import time

    from databricks_utils.spark.connect_server import ConnectServer, free_port

    with ConnectServer(port=args.port or free_port(), master=args.master, delta=not args.no_delta) as server:
        print(f"Spark Connect server at {server.url} (export SPARK_REMOTE={server.url}); Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from databricks_utils.doctor import run_checks

    checks = run_checks(args.config_dir, args.env)
    for check in checks:
        print(f"{'ok' if check.ok else 'FAIL':<4}  {check.name:<14} {check.detail}")
    return 0 if all(c.ok for c in checks) else 1


def _validate_bundle(args: argparse.Namespace) -> int:
    from databricks_utils.bundle import validate_bundle

    report = validate_bundle(args.root, schema=args.schema, target=args.target)
    print(report.format())
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``databricks-utils`` command."""
    parser = argparse.ArgumentParser(prog="databricks-utils", description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    install = commands.add_parser("install-delta", help="fetch the Delta Lake jars once into the local cache")
    install.add_argument("--force", action="store_true", help="resolve again even if the cache is complete")
    install.add_argument("--repository", help="extra Maven repository URL (a mirror)")
    install.set_defaults(run=_install_delta)

    for name, run, text in (
        ("config-show", _config_show, "print the resolved config for an environment as JSON"),
        ("config-explain", _config_explain, "show which file, line or env var set each config key"),
        ("doctor", _doctor, "check Java, pyspark, Delta jars, config and the Spark mode that auto picks"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--env", help="local, lab, dev or prod (default: $DBX_ENV, else local)")
        sub.add_argument("--config-dir", help="folder with project.yaml (default: search upward for config/)")
        sub.set_defaults(run=run)

    server = commands.add_parser("connect-server", help="run a Spark Connect server on 127.0.0.1 until Ctrl-C")
    server.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    server.add_argument("--master", default="local[2]", help="Spark master of the server (default: local[2])")
    server.add_argument("--no-delta", action="store_true", help="start without the Delta Lake jars")
    server.set_defaults(run=_connect_server)

    bundle = commands.add_parser(
        "validate-bundle", help="check databricks.yml, its includes and targets offline (exit 1 on problems)"
    )
    bundle.add_argument("root", nargs="?", default=".", help="the bundle folder (default: the current one)")
    bundle.add_argument(
        "--schema", help="bundle JSON schema file (default: 'databricks bundle schema', else $DATABRICKS_BUNDLE_SCHEMA)"
    )
    bundle.add_argument("-t", "--target", help="also check this target's view (default: the default target)")
    bundle.set_defaults(run=_validate_bundle)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``databricks-utils``; returns the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    run: Command = args.run
    try:
        return run(args)
    except DatabricksUtilsError as err:
        if args.verbose:
            raise
        print(f"databricks-utils {args.command}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
