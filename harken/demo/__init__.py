"""The demo installation (`harken demo`) and the benchmark data generator (bench/generate.py)."""
