"""Run every benchmark and print one JSON line each (the README's performance section quotes them).
Run: python bench/run_all.py [--data DIR]   (CRATEDIG_DATA is used when --data is absent)"""
import subprocess
import sys

SCRIPTS = ("load", "serving", "app_latency", "cold_start", "train_time", "retrieval_correction", "tune", "scale")
#: these make their own synthetic data and take no --data
SYNTHETIC = ("scale",)

if __name__ == "__main__":
    for name in SCRIPTS:
        args = [] if name in SYNTHETIC else sys.argv[1:]
        subprocess.run([sys.executable, "-m", f"bench.{name}", *args], check=False)
