// The nestjit command-line program.
//
//   nestjit check [--format=human|json] [--no-warnings] [--synapse NAME]... FILE...
//
// Parses and checks each file (syntax, names, types with units, context conditions) and
// prints every diagnostic; human form (file:line:col, caret line, hint) by default, or one
// JSON array for editors. Exit status: 0 without errors, 1 if any file has an error,
// 2 on bad usage or an unreadable file.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fmt/format.h>

#include "json.h"
#include "sema/model.h"
#include "support/diagnostic.h"
#include "syntax/parser.h"

using namespace nestjit;

namespace {

struct CheckArgs {
  std::vector<std::string> files;
  std::string format = "human";
  bool no_warnings = false;
  std::vector<std::string> synapses;
};

int run_check(const CheckArgs& a) {
  std::vector<Diagnostic> all;
  bool errors = false, unreadable = false;
  sema::CheckOptions opts;
  opts.synapse_models = a.synapses;
  for (const auto& path : a.files) {
    std::string err;
    SourceFilePtr src = read_source_file(path, err);
    DiagnosticList diags;
    if (!src) {
      diags.error("E-FILE", make_source(path, ""), {}, fmt::format("cannot read '{}': {}", path, err));
      unreadable = true;
    } else if (auto unit = syntax::parse(src, diags)) {
      sema::check(*unit, opts, diags);
    }
    errors |= diags.has_errors();
    for (const auto& d : diags.items())
      if (!(a.no_warnings && d.severity != Severity::Error)) all.push_back(d);
  }
  if (a.format == "json") {
    std::fputs(cli::to_json(all).c_str(), stdout);
  } else {
    size_t nerr = 0, nwarn = 0;
    for (const auto& d : all) {
      std::fputs(render(d).c_str(), stdout);
      (d.severity == Severity::Error ? nerr : nwarn) += 1;
    }
    std::fprintf(stderr, "%zu file%s checked: %zu error%s, %zu warning%s\n", a.files.size(),
                 a.files.size() == 1 ? "" : "s", nerr, nerr == 1 ? "" : "s", nwarn,
                 nwarn == 1 ? "" : "s");
  }
  if (unreadable) return 2;
  return errors ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nestjit: NESTML models, checked, compiled and simulated"};
  app.require_subcommand(1);
  CheckArgs ca;
  CLI::App* check = app.add_subcommand("check", "parse and check NESTML files, print diagnostics");
  check->add_option("files", ca.files, "NESTML files")->required()->check(CLI::ExistingFile);
  check->add_option("--format", ca.format, "output format")
      ->check(CLI::IsMember({"human", "json"}))
      ->capture_default_str();
  check->add_flag("--no-warnings", ca.no_warnings, "print errors only");
  check->add_option("--synapse", ca.synapses,
                    "treat this model as a synapse (besides names ending in 'synapse')");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*check) return run_check(ca);
  return 2;
}
