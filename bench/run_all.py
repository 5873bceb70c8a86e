"""Run every benchmark and print one JSON line each (the README's performance section quotes them).
Run: python bench/run_all.py [--data DIR]   (CRATEDIG_DATA is used when --data is absent)"""
import subprocess
import sys

SCRIPTS = ("load", "serving", "app_latency", "cold_start", "train_time", "retrieval_correction", "tune", "scale")

if __name__ == "__main__":
    for name in SCRIPTS:
        subprocess.run([sys.executable, "-m", f"bench.{name}", *sys.argv[1:]], check=False)
