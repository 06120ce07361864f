"""Run in a child process by test_lifecycle.py: stopping sessions must not touch the test run's own JVM.

Prints one JSON object with what it observed. Configuration comes from DBX_* environment variables.
"""

import json
import sys
import threading

from databricks_utils.spark import SparkSessionFactory, get_spark


def main() -> None:
    out: dict[str, object] = {}
    barrier = threading.Barrier(32)
    seen: list[int] = []

    def first_call() -> None:
        barrier.wait()
        seen.append(id(get_spark()))

    threads = [threading.Thread(target=first_call) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["distinct_sessions"] = len(set(seen))
    out["created_after_race"] = SparkSessionFactory.sessions_created()
    out["mode"] = SparkSessionFactory.mode()

    first = get_spark()
    first.stop()  # the user (or a library) stops the session behind the factory's back
    healed = get_spark()
    out["healed_is_new"] = healed is not first
    out["healed_works"] = healed.range(3).count() == 3
    out["created_after_heal"] = SparkSessionFactory.sessions_created()

    if sys.argv[1:] == ["connect"]:
        healed.client.release_session()  # the server forgets the session, as after an idle timeout
    else:
        healed.sparkContext._jsc.sc().stop()  # stopped on the JVM side: Python still holds _jsc
    again = get_spark()
    out["expired_replaced"] = again is not healed and again.range(2).count() == 2
    out["created_after_expiry"] = SparkSessionFactory.sessions_created()

    SparkSessionFactory.stop()
    out["initialized_after_stop"] = SparkSessionFactory.is_initialized()
    out["mode_after_stop"] = SparkSessionFactory.mode()
    out["recreated_works"] = get_spark().range(4).count() == 4
    out["created_at_end"] = SparkSessionFactory.sessions_created()
    SparkSessionFactory.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
