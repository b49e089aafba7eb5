// A stiff test system written in NESTML: Robertson's chemical kinetics (rate constants
// 0.04, 1e4, 3e7, here per ms), the classic stiff benchmark.
#pragma once

inline const char* kRobertsonModel = R"(model robertson:
    state:
        y1 real = 1
        y2 real = 0
        y3 real = 0
    equations:
        y1' = (-0.04 * y1 + 1e4 * y2 * y3) / ms
        y2' = (0.04 * y1 - 1e4 * y2 * y3 - 3e7 * y2**2) / ms
        y3' = 3e7 * y2**2 / ms
    update:
        integrate_odes()
)";
