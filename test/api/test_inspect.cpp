// Kernel::describe_model and Kernel::dump_model (the REPL's %show and %dump): units, ODE
// systems with their solvers, the IR and the optimised LLVM IR as text.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>
#include <algorithm>
#include <string>

namespace {

const char* kMixed = R"(model mixed_neuron:
    state:
        V_m mV = -70 mV
        w real = 0.5
    equations:
        V_m' = -V_m / tau + I_e / C_m
        w' = -w * w / tau_w
    parameters:
        tau ms = 10 ms
        tau_w ms = 100 ms
        C_m pF = 250 pF
        I_e pA = 0 pA
    input:
        spikes <- spike
    update:
        integrate_odes()
)";

const nestjit::ModelVariable* find(const nestjit::ModelDescription& d, const std::string& n) {
  auto it = std::find_if(d.variables.begin(), d.variables.end(),
                         [&](const auto& v) { return v.name == n; });
  return it == d.variables.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("describe_model gives units, kinds and a solver with its reason per ODE system") {
  nestjit::Kernel k;
  auto r = k.install_source("mixed.nestml", kMixed);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto d = k.describe_model("mixed_neuron");
  REQUIRE(find(d, "V_m"));
  CHECK(find(d, "V_m")->kind == "state");
  CHECK(find(d, "V_m")->unit == "mV");
  CHECK(find(d, "V_m")->recordable);
  CHECK(find(d, "tau")->kind == "parameter");
  CHECK(find(d, "tau")->unit == "ms");
  CHECK(find(d, "I_e")->unit == "pA");
  CHECK(find(d, "w")->unit == "");
  CHECK(d.spike_ports == std::vector<std::string>{"spikes"});
  // V_m is linear with constant coefficients (exact); w' = -w^2/tau_w is not.
  REQUIRE(d.ode_systems.size() == 2);
  CHECK(d.ode_systems[0].variables == std::vector<std::string>{"V_m"});
  CHECK(d.ode_systems[0].solver == "propagator");
  CHECK(d.ode_systems[1].variables == std::vector<std::string>{"w"});
  CHECK(d.ode_systems[1].solver == "auto");
  CHECK(d.ode_systems[1].why.find("not linear") != std::string::npos);
  CHECK_THROWS_WITH_AS(k.describe_model("nope"), doctest::Contains("unknown model 'nope'"),
                       nestjit::Error);
}

TEST_CASE("dump_model prints the checked AST with types and resolved names") {
  nestjit::Kernel k;
  auto r = k.install_source("mixed.nestml", kMixed);
  REQUIRE_MESSAGE(r.ok, r.report());
  const std::string ast = k.dump_model("mixed_neuron", "ast");
  CHECK(ast.find("Model mixed_neuron (neuron)  <1:1>") != std::string::npos);
  // Declarations carry the unit the checker resolved; names say what they refer to.
  CHECK(ast.find("Declaration V_m : mV  <3:9>") != std::string::npos);
  CHECK(ast.find("Declaration tau_w : ms") != std::string::npos);
  CHECK(ast.find("Ode V_m'  <6:9>") != std::string::npos);
  // -V_m / tau is mV/ms; I_e / C_m is pA/pF = V/s, the same dimension.
  CHECK(ast.find("Binary / : mV/ms") != std::string::npos);
  CHECK(ast.find("Name I_e : pA -> parameter") != std::string::npos);
  CHECK(ast.find("Name w : real -> state") != std::string::npos);
  CHECK(ast.find("SpikePort spikes") != std::string::npos);
  CHECK(ast.find("Call integrate_odes") != std::string::npos);
  // Children are indented under their parent, two spaces per level.
  const size_t ode = ast.find("    Ode w'");
  REQUIRE(ode != std::string::npos);
  CHECK(ast.find("      Binary /", ode) != std::string::npos);
}

TEST_CASE("dump_model prints the IR and the optimised LLVM IR") {
  nestjit::Kernel k;
  auto r = k.install_source("mixed.nestml", kMixed);
  REQUIRE_MESSAGE(r.ok, r.report());
  std::string ir = k.dump_model("mixed_neuron", "ir");
  CHECK(ir.find("model mixed_neuron (neuron)") != std::string::npos);
  CHECK(ir.find("tau_w") != std::string::npos);
  CHECK(ir.find("numeric system #0: V_m, w") != std::string::npos);
  CHECK(ir.find("exact, block 0") != std::string::npos);
  std::string llvm = k.dump_model("mixed_neuron", "llvm");
  CHECK(llvm.find("define ") != std::string::npos);
  CHECK(llvm.find("mixed_neuron") != std::string::npos);
  CHECK_THROWS_WITH_AS(k.dump_model("mixed_neuron", "hex"),
                       doctest::Contains("use \"ast\", \"ir\" or \"llvm\""), nestjit::Error);
  // The model still runs after being dumped.
  k.create("mixed_neuron", 2);
  k.simulate(5.0);
  CHECK(k.time() == doctest::Approx(5.0));
}
