"""Adds up the pytest JUnit files and the other checks into one closing line."""

from __future__ import annotations

import sys
from pathlib import Path
from xml.etree import ElementTree


def main() -> int:
    results, failed_checks = Path(sys.argv[1]), sys.argv[2:]
    passed = failed = skipped = 0
    for report in sorted(results.glob("*.xml")):
        for suite in ElementTree.parse(report).getroot().iter("testsuite"):
            tests, skips = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            failures = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            passed += tests - skips - failures
            failed += failures
            skipped += skips
    checks = results / "checks-passed"
    # the non-pytest checks count once each; a failed pytest run is already counted above
    passed += sum(
        1
        for name in (checks.read_text().splitlines() if checks.exists() else [])
        if not name.startswith("pytest")
    )
    failed += sum(1 for name in failed_checks if not name.startswith("pytest"))
    skipped_checks = results / "checks-skipped"
    skipped += len(skipped_checks.read_text().splitlines()) if skipped_checks.exists() else 0
    pytest_crashed = [n for n in failed_checks if n.startswith("pytest")] and failed == 0
    if failed_checks:
        print("failed steps: " + "; ".join(failed_checks))
    if pytest_crashed:
        failed += 1
    print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed_checks else 0


if __name__ == "__main__":
    sys.exit(main())
