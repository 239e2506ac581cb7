"""All of Gatepost's benchmarks in one run, from the checkout: `python -m benchmarks.run`."""

from benchmarks import bodies, engine, startup

if __name__ == "__main__":
    startup.main()
    engine.main()
    bodies.main()
