// The inputs the whole-pipeline fuzzer (fuzz/fuzz_pipeline.cpp) found, reduced to the model
// text that triggers each bug (docs/hardening.md lists the runs), run through the pipeline
// the way the fuzzer drives it: install, create, drive, simulate, read the status. Each
// case says what went wrong before the fix and checks the answer now.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>
#include <cstdint>
#include <string>

namespace {

// Installs `text` (which must check clean), creates two instances of `model`, drives them
// with a spike generator, records every recordable, simulates 3 ms and returns the first
// instance's status.
std::map<std::string, double> run_pipeline(nestjit::Kernel& k, const std::string& text,
                                           const std::string& model) {
  auto r = k.install_source("fuzz_regression.nestml", text);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create(model, 2);
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{0.5, 1.0, 2.0}}});
  nestjit::SynSpec s;
  s.weight = 50.0;
  k.connect(sg, n, {}, s);
  auto sr = k.create("spike_recorder");
  k.connect(n, sr);
  k.simulate(3.0);
  return k.get_status(n[0]);
}

}  // namespace

// Found in the first recorded run (a corpus model with a number mutated to 1e308): code
// generation converted the real 1e308, given to an integer variable, to int64 with a C++
// cast, which is undefined behaviour (UBSan: "1e+308 is outside the range of representable
// values of type 'long'"); at run time the same conversion was LLVM's fptosi, poison for
// such values. Now both saturate (llvm.fptosi.sat): int64's limits, NaN gives 0.
TEST_CASE("fuzz regression: a real too large for an integer variable saturates instead of undefined behaviour") {
  nestjit::Kernel k;
  auto status = run_pipeline(k, R"(model big_integer:
    state:
        big integer = 1e308
        small integer = -1e308
        counted integer = 0
        grown integer = 3
        x real = 1e300
    input:
        spikes <- spike
    output:
        spike
    update:
        counted = x * 10
        grown = grown ** 1000
)", "big_integer");
  // Integers live in double slots: int64's limits as doubles.
  CHECK(status.at("big") == double(INT64_MAX));
  CHECK(status.at("small") == double(INT64_MIN));
  CHECK(status.at("counted") == double(INT64_MAX));  // converted at run time: inf
  CHECK(status.at("grown") == double(INT64_MAX));    // integer power beyond int64
  CHECK(k.time() == doctest::Approx(3.0));
}
