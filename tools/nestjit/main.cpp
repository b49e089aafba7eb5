// The nestjit command-line program.
//
//   nestjit [--console]                 interactive session (IPython, or a plain console)
//   nestjit run SCRIPT [ARGS...]        runs a Python script with nestjit (Ctrl-C stops a
//                                       simulate at a slice boundary)
//   nestjit watch SCRIPT [ARGS...]      runs it again whenever it or a model file it
//                                       installed changes
//   nestjit check [--format=human|json] [--no-warnings] [--synapse NAME]... FILE...
//
// The first three are the Python package's nestjit.repl (python_launch.h): this program
// replaces itself by Debian's python3 running it; exit codes are that program's (0 ok,
// 1 model or script error, 2 usage).
//
// Parses and checks each file (syntax, names, types with units, context conditions) and
// prints every diagnostic; human form (file:line:col, caret line, hint) by default, or one
// JSON array for editors. Exit status: 0 without errors, 1 if any file has an error,
// 2 on bad usage or an unreadable file.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fmt/format.h>

#include "json.h"
#include "python_launch.h"
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
  app.require_subcommand(0, 1);
  bool console = false;
  app.add_flag("--console", console,
               "plain Python console instead of IPython (also used when IPython is missing)");
  CheckArgs ca;
  CLI::App* check = app.add_subcommand("check", "parse and check NESTML files, print diagnostics");
  check->add_option("files", ca.files, "NESTML files")->required()->check(CLI::ExistingFile);
  check->add_option("--format", ca.format, "output format")
      ->check(CLI::IsMember({"human", "json"}))
      ->capture_default_str();
  check->add_flag("--no-warnings", ca.no_warnings, "print errors only");
  check->add_option("--synapse", ca.synapses,
                    "treat this model as a synapse (besides names ending in 'synapse')");
  // run/watch hand everything after SCRIPT to the script (its own options included).
  std::string run_script, watch_script;
  CLI::App* run = app.add_subcommand("run", "run a Python script with nestjit imported");
  run->add_option("script", run_script, "Python script")->required()->check(CLI::ExistingFile);
  run->prefix_command();
  run->footer("ARGS after SCRIPT are the script's (sys.argv[1:]). Exit status: 0 ok, 1 model "
              "or script error (also Ctrl-C), 2 usage.");
  CLI::App* watch = app.add_subcommand(
      "watch", "run a script, and again whenever it or a model file it installed changes");
  watch->add_option("script", watch_script, "Python script")->required()->check(CLI::ExistingFile);
  watch->prefix_command();
  watch->footer("ARGS after SCRIPT are the script's. Ctrl-C ends watching (exit status 0).");
  app.footer("Without a command: the interactive session (nestjit imported as nest, "
             "%load, %reload, %show, %dump, %watch, %plot, %%nestml; see docs/repl.md).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*check) return run_check(ca);
  if (*run || *watch) {
    std::vector<std::string> args = {*run ? "run" : "watch", *run ? run_script : watch_script};
    for (const auto& a : (*run ? run : watch)->remaining()) args.push_back(a);
    return cli::exec_python_repl(args);
  }
  return cli::exec_python_repl(console ? std::vector<std::string>{"--console"}
                                       : std::vector<std::string>{});
}
