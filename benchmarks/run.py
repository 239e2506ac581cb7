"""All of Gatepost's benchmarks in one run, from the checkout: `python -m benchmarks.run`.

Start-up and idle memory are measured from outside on an X server (benchmarks/desktop.py);
`python -m benchmarks.startup` (offscreen, in-process probe) and `python -m
benchmarks.costs` (what each piece costs) are run on their own.
"""

import datetime
import subprocess

from benchmarks import bodies, desktop, engine, import_postman, runner, verdict

if __name__ == "__main__":
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    print(f"{datetime.date.today()} at commit {commit}", flush=True)
    desktop.main()
    engine.main()
    bodies.main()
    import_postman.main()
    runner.main(["--no-newman"])  # newman: `python -m benchmarks.runner` (npm, ~1 min)
    print("\n".join(verdict.summary()), flush=True)
