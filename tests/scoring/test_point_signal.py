"""The per-point diagnostic's level table (benchmarks/point_signal.py)."""

import numpy as np

from benchmarks.point_signal import level_table


def test_the_level_table_gives_the_mean_probability_of_each_kind_of_point():
    p = np.array([0.9, 0.3, 0.7, 0.1, 0.8, 0.6])
    y = np.array([True, False, True, False, True, True])
    kinds = np.array(["partial", "partial", "partial", "partial", "strong", "strong"])
    columns = {"set a": (np.zeros((6, 1)), p, y, kinds),
               "set b": (np.zeros((2, 1)), p[:2], y[:2], kinds[:2])}  # fmt: skip
    rows = {line.split(" | ")[0].lstrip("| "): line for line in level_table(columns)}
    assert rows["covered points of partial answers"].endswith("| 0.80 (2) | 0.90 (1) |")
    assert rows["uncovered points of partial answers"].endswith("| 0.20 (2) | 0.30 (1) |")
    assert rows["points of strong answers"].endswith("| 0.70 (2) |  |")
