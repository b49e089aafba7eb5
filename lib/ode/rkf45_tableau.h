// SPDX-License-Identifier: Apache-2.0
// Fehlberg's 4(5) tableau (Fehlberg 1969; also in the GSL manual and Hairer-Norsett-Wanner),
// shared by the runtime integrator (lib/ode/rkf45.cpp) and the compiled one
// (lib/codegen/rkf45.cpp), which must agree bit for bit. The constants are exact rationals
// divided at compile time, hence correctly rounded, so they equal GSL's whatever form its
// source writes them in.
#pragma once

namespace nestjit::ode::rkf45_tableau {

constexpr double a2 = 1.0 / 4.0, a3 = 3.0 / 8.0, a4 = 12.0 / 13.0, a5 = 1.0, a6 = 1.0 / 2.0;
constexpr double b21 = 1.0 / 4.0;
constexpr double b31 = 3.0 / 32.0, b32 = 9.0 / 32.0;
constexpr double b41 = 1932.0 / 2197.0, b42 = -7200.0 / 2197.0, b43 = 7296.0 / 2197.0;
constexpr double b51 = 439.0 / 216.0, b52 = -8.0, b53 = 3680.0 / 513.0, b54 = -845.0 / 4104.0;
constexpr double b61 = -8.0 / 27.0, b62 = 2.0, b63 = -3544.0 / 2565.0, b64 = 1859.0 / 4104.0,
                 b65 = -11.0 / 40.0;
// The fifth-order solution is the one propagated (local extrapolation), as in GSL.
constexpr double c1 = 16.0 / 135.0, c3 = 6656.0 / 12825.0, c4 = 28561.0 / 56430.0,
                 c5 = -9.0 / 50.0, c6 = 2.0 / 55.0;
// Error estimate = fifth-order minus fourth-order weights.
constexpr double e1 = 1.0 / 360.0, e3 = -128.0 / 4275.0, e4 = -2197.0 / 75240.0,
                 e5 = 1.0 / 50.0, e6 = 2.0 / 55.0;

}  // namespace nestjit::ode::rkf45_tableau
