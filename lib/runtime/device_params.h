// Checks of device parameters shared by the built-in devices (devices.cpp and the devices in
// files of their own): each throws std::invalid_argument "<device>: <what is wrong>".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/node.h"

namespace nestjit::runtime::device_params {

inline const std::string kWindowKeys = "origin, start, stop";

[[noreturn]] void bad(const std::string& device, const std::string& what);
// The number in `v` (finite; "stop" may be +inf).
double number(const std::string& device, const std::string& key, const Value& v);
// A 0/1 flag.
bool flag(const std::string& device, const std::string& key, const Value& v);
// A list of finite numbers.
const std::vector<double>& list(const std::string& device, const std::string& key, const Value& v);
// Steps of a time that must lie on the grid (the reference rejects off-grid device times).
int64_t on_grid(const std::string& device, const std::string& key, double ms, double h);
[[noreturn]] void unknown(const std::string& device, const std::string& key, const std::string& known);

}  // namespace nestjit::runtime::device_params
