"""All of Gatepost's benchmarks in one run: `python benchmarks/run.py`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import engine, startup  # noqa: E402

if __name__ == "__main__":
    startup.main()
    engine.main()
