"""The benchmark suite of issue 9 (`python -m benchmarks --quick|--full`); see run.py."""
